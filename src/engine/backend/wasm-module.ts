/**
 * @module engine/backend/wasm-module
 * Loads the committed SIMD128 GEMM kernels (gemm-kernels.wasm, rebuilt by `npm run build:wasm` from
 * native/wasm/gemm-wasm.cc) and lays out the shared memory they all use:
 *   [module data + main stack | per thread: stack, packing workspace A, workspace B | operands]
 * Operands (A, B, C of the current call) are copied into the operand area, which grows on demand.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const wasmPath = join(dirname(fileURLToPath(import.meta.url)), 'gemm-kernels.wasm');
const PAGE = 65536;
const STACK_BYTES = 64 * 1024;
/** The module is linked with --max-memory=2 GiB: offsets stay in signed 32-bit range inside the kernels. */
export const MAX_PAGES = 32768;

export interface WasmLayout {
  threads: number;
  stackTop: number[];
  workspaceA: number[];
  workspaceB: number[];
  operandBase: number;
}

export interface KernelExports {
  gemm_f32: (...args: number[]) => void;
  gemm_bf16: (...args: number[]) => void;
  workspace_a_bytes: () => number;
  workspace_b_bytes: () => number;
  tile_m: () => number;
  tile_n: () => number;
  __heap_base: WebAssembly.Global;
  __stack_pointer: WebAssembly.Global;
}

const align = (value: number, to: number) => Math.ceil(value / to) * to;

export function compileKernels(): WebAssembly.Module {
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))) {
    throw new Error('WebAssembly is not available');
  }
  return new WebAssembly.Module(readFileSync(wasmPath));
}

/** Instantiates the kernels on `memory`; threads other than the main one move their stack to their own slot. */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory, stackTop?: number): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernels = instance.exports as unknown as KernelExports;
  if (stackTop !== undefined) kernels.__stack_pointer.value = stackTop;
  return kernels;
}

/** Creates the shared memory and the layout for `threads` threads. */
export function createLayout(module: WebAssembly.Module, threads: number): { memory: WebAssembly.Memory; layout: WasmLayout; kernels: KernelExports } {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
  const kernels = instantiateKernels(module, memory);
  let cursor = align(kernels.__heap_base.value as number, 64);
  const layout: WasmLayout = { threads, stackTop: [], workspaceA: [], workspaceB: [], operandBase: 0 };
  for (let thread = 0; thread < threads; thread++) {
    cursor += STACK_BYTES;
    layout.stackTop.push(cursor);
    layout.workspaceA.push(cursor);
    cursor = align(cursor + kernels.workspace_a_bytes(), 64);
    layout.workspaceB.push(cursor);
    cursor = align(cursor + kernels.workspace_b_bytes(), 64);
  }
  layout.operandBase = cursor;
  ensureBytes(memory, cursor);
  return { memory, layout, kernels };
}

/** Grows the shared memory to at least `bytes`. */
export function ensureBytes(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  memory.grow(Math.ceil((bytes - have) / PAGE));
}

export const WASM_MAX_BYTES = MAX_PAGES * PAGE;
