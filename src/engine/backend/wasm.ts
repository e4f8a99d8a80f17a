/**
 * @module engine/backend/wasm
 * The `wasm` backend: SIMD128 GEMM kernels (compiled from the same C++ driver as the native addon) run on
 * the main thread plus worker threads sharing one WebAssembly.Memory. Works wherever Node 20 runs, no
 * compiler needed. Operands are copied into the shared memory (O(n²) next to the O(n³) product) and C is
 * copied back per batch item, so gaps between strided C matrices are never touched.
 */
import { availableParallelism } from 'node:os';
import { SlingError } from '../../core/errors.ts';
import type { Backend, GemmArgs } from './backend.ts';
import { resolveGemmArgs, type ResolvedGemm } from './gemm-args.ts';
import { compileKernels, createLayout, ensureBytes, WASM_MAX_BYTES } from './wasm-module.ts';
import { runPart } from './wasm-part.ts';
import { WasmPool } from './wasm-pool.ts';

/**
 * Below this many FLOPs one thread runs the whole GEMM: waking a sleeping worker through Atomics costs tens of
 * microseconds, and wasm runs ~35 GFLOP/s per thread, so the second thread pays off from roughly 4e6 FLOPs
 * (n≈128). The sweep at the end of `npm run bench -- gemm` measured the crossover at n=192 on a busy machine.
 */
export const WASM_THREAD_THRESHOLD = 4e6;

export interface WasmBackendOptions {
  threads?: number;
  threshold?: number;
}

export function createWasmBackend(options: WasmBackendOptions = {}): Backend & { threshold: number; close(): Promise<void> } {
  const threads = Math.max(1, options.threads ?? (Number(process.env.SLING_THREADS) || availableParallelism()));
  const module = compileKernels();
  const { memory, layout, kernels } = createLayout(module, threads);
  const pool = threads > 1 ? new WasmPool(module, memory, layout) : undefined;
  const job = pool ? pool.job : new Float64Array(18);
  const tileM = kernels.tile_m();
  const tileN = kernels.tile_n();
  let extraThreads: number | undefined;

  function run(kind: 0 | 1, a: Float32Array, b: Float32Array | Uint16Array, c: Float32Array, r: ResolvedGemm): void {
    if (r.m === 0 || r.n === 0 || r.batch === 0) return;
    const spanA = r.k === 0 ? 0 : (r.batch - 1) * r.strideA + r.m * r.k;
    const spanB = r.k === 0 ? 0 : (r.batch - 1) * r.strideB + r.k * r.n;
    const spanC = (r.batch - 1) * r.strideC + r.m * r.n;
    const bBytes = kind === 1 ? 2 : 4;
    const aPointer = layout.operandBase;
    const bPointer = aPointer + Math.ceil((spanA * 4) / 64) * 64;
    const cPointer = bPointer + Math.ceil((spanB * bBytes) / 64) * 64;
    const end = cPointer + spanC * 4;
    if (end > WASM_MAX_BYTES) {
      throw new SlingError('wasm_memory', `gemm operands need ${end} bytes, more than the wasm backend's 2 GiB`, {
        hint: 'use the native backend or split the batch',
      });
    }
    ensureBytes(memory, end);
    const heap = memory.buffer;
    new Float32Array(heap, aPointer, spanA).set(a.subarray(r.offsetA, r.offsetA + spanA));
    if (kind === 1) new Uint16Array(heap, bPointer, spanB).set((b as Uint16Array).subarray(r.offsetB, r.offsetB + spanB));
    else new Float32Array(heap, bPointer, spanB).set((b as Float32Array).subarray(r.offsetB, r.offsetB + spanB));
    const cView = new Float32Array(heap, cPointer, spanC);
    cView.set(c.subarray(r.offsetC, r.offsetC + spanC));

    job.set([kind, r.m, r.n, r.k, aPointer, r.transA ? 1 : r.k, r.transA ? r.m : 1, bPointer, r.transB ? 1 : r.n,
      r.transB ? r.k : 1, cPointer, r.beta, r.batch, r.strideA, r.strideB, r.strideC]);
    const flops = 2 * r.m * r.n * r.k * r.batch;
    const separateC = r.strideC >= r.m * r.n || r.batch === 1;
    let parts = 1;
    if (pool && flops >= backend.threshold && (separateC || r.strideC === 0)) {
      extraThreads ??= pool.readyWorkers();
      // Twice as many parts as threads: a worker that claimed a part and then got no core holds up less work.
      parts = extraThreads > 0 ? 2 * (1 + extraThreads) : 1;
    }
    // Whole batch items when there are enough independent ones, else strips of C at tile boundaries.
    // Row strips let each thread pack only its rows of A (the strided packing); columns when rows are few.
    let mode = r.m < 4 * parts * tileM && r.n > r.m ? 1 : 2;
    if (separateC && r.batch >= parts && r.batch > 1) mode = 0;
    const tiles = mode === 1 ? Math.ceil(r.n / tileN) : Math.ceil(r.m / tileM);
    if (mode !== 0) parts = Math.min(parts, tiles);
    job[17] = mode;
    if (parts > 1) pool!.run(parts, (part) => runPart(kernels as unknown as WebAssembly.Exports, job, part, layout.workspaceA[0], layout.workspaceB[0]));
    else {
      job[16] = 1;
      runPart(kernels as unknown as WebAssembly.Exports, job, 0, layout.workspaceA[0], layout.workspaceB[0]);
    }
    for (let item = 0; item < r.batch; item++) {
      const at = item * r.strideC;
      c.set(cView.subarray(at, at + r.m * r.n), r.offsetC + at);
    }
  }

  const backend = {
    name: 'wasm',
    description: `wasm (SIMD128, ${threads} thread${threads === 1 ? '' : 's'})`,
    fastBf16: false,
    threshold: options.threshold ?? WASM_THREAD_THRESHOLD,
    gemm(a: Float32Array, b: Float32Array, c: Float32Array, args: GemmArgs) {
      run(0, a, b, c, resolveGemmArgs(args, a.length, b.length, c.length));
    },
    gemmBf16(a: Float32Array, b: Uint16Array, c: Float32Array, args: GemmArgs) {
      run(1, a, b, c, resolveGemmArgs(args, a.length, b.length, c.length));
    },
    async close() {
      await pool?.terminate();
    },
  };
  return backend;
}
