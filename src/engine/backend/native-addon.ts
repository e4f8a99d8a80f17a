/**
 * @module engine/backend/native-addon
 * Loads the `sling_native` N-API addon built by scripts/build-native.mjs during `npm install`. Loading never
 * throws: a missing build (no compiler at install time) or a load failure becomes a one-line reason that the
 * selector reports once before falling back to wasm.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeInfo {
  isa: 'avx512' | 'avx2' | 'portable';
  /** How gemmBf16 runs: 'amx' (tiles), 'avx512bf16' (vdpbf16ps) or 'widened' (bf16 -> FP32 while packing). */
  bf16: 'amx' | 'avx512bf16' | 'widened';
  avx512: boolean;
  avx512bf16: boolean;
  avx2: boolean;
  /** 'absent' (CPU), 'denied' (Linux refused the tile state), 'self-test failed', or 'active'. */
  amx: 'absent' | 'denied' | 'self-test failed' | 'active';
  threads: number;
  threshold: number;
}

export interface NativeAddon extends NativeRowFunctions {
  gemm(kind: 0 | 1, a: Float32Array, b: Float32Array | Uint16Array, c: Float32Array, params: Float64Array): void;
  info(): NativeInfo;
  configure(options: { isa?: 'amx' | 'avx512bf16' | 'avx512' | 'avx2' | 'portable' | 'best'; threshold?: number }): void;
}

/**
 * The addon's row kernels, fused attention and decode attention (native/src/addon-rows.cc); wrapped for the
 * tensor layer by native-rows.ts, which documents each one. Lengths are checked in C++ (a TypeError on a short array).
 */
export interface NativeRowFunctions {
  rowsInfo(): { isa: 'avx512' | 'portable'; threshold: number };
  rowsConfigure(options: { isa?: 'avx512' | 'portable' | 'best'; threshold?: number }): void;
  expShiftRows(x: Float32Array, rows: number, cols: number, rowMax: Float32Array, rowSum: Float32Array, exps: Float32Array | null): void;
  scaleRows(x: Float32Array, rows: number, cols: number, factors: Float32Array): void;
  swigluForward(gate: Float32Array, up: Float32Array, out: Float32Array, sigmoid: Float32Array | null): void;
  swigluBackward(grad: Float32Array, gate: Float32Array, up: Float32Array, sigmoid: Float32Array, gradGate: Float32Array | null, gradUp: Float32Array | null): void;
  rmsNormForward(x: Float32Array, weight: Float32Array, y: Float32Array, rstd: Float32Array, rows: number, dim: number, eps: number): void;
  rmsNormBackward(grad: Float32Array, x: Float32Array, weight: Float32Array, rstd: Float32Array, gradX: Float32Array | null, gradW: Float32Array | null, rows: number, dim: number): void;
  rope(src: Float32Array, dst: Float32Array, cos: Float32Array, sin: Float32Array, positions: Int32Array, rows: number, heads: number, dim: number, half: number, interleaved: number, direction: number): void;
  add(a: Float32Array, b: Float32Array, out: Float32Array): void;
  adamw(value: Float32Array, grad: Float32Array, firstMoment: Float32Array, secondMoment: Float32Array, step: Float64Array): void;
  attentionForward(q: Float32Array, k: Float32Array, v: Float32Array, out: Float32Array, logSumExp: Float32Array, dims: Float64Array, ranges: Int32Array, keyMask: Uint8Array | null, querySegments: Int32Array | null, keySegments: Int32Array | null): void;
  attentionBackward(q: Float32Array, k: Float32Array, v: Float32Array, logSumExp: Float32Array, gradOut: Float32Array, gradQ: Float32Array | null, gradK: Float32Array | null, gradV: Float32Array | null, dims: Float64Array, ranges: Int32Array, keyMask: Uint8Array | null, querySegments: Int32Array | null, keySegments: Int32Array | null): void;
  /**
   * Decode attention from one KvCache layer (engine/models/generate/cached-attention.ts): out [B, Hq, D] for
   * q [B, Hq, D], B = slots.length, row b reading the first lengths[slots[b]] + 1 positions of its slot; window 0 = none.
   */
  decodeAttention(q: Float32Array, keys: Float32Array, values: Float32Array, out: Float32Array, slots: Int32Array, lengths: Int32Array, capacity: number, Hq: number, Hkv: number, D: number, window: number): void;
}

export const addonPath = join(dirname(fileURLToPath(import.meta.url)), '../../../native/build/Release/sling_native.node');

let loaded: { addon?: NativeAddon; reason?: string } | undefined;

export type NativeLoad = { addon?: NativeAddon; reason?: string };

/** Loads the addon once per process (`path` is for tests that simulate a missing build). */
export function loadNativeAddon(path = addonPath): NativeLoad {
  if (path === addonPath && loaded) return loaded;
  let result: NativeLoad;
  if (!existsSync(path)) {
    const noteFile = join(dirname(path), '../not-built.txt');
    const why = existsSync(noteFile) ? readFileSync(noteFile, 'utf8').trim() : 'run `npm run build:native` to see why';
    result = { reason: `native addon not built (${why})` };
  } else {
    try {
      result = { addon: createRequire(import.meta.url)(path) as NativeAddon };
    } catch (error) {
      result = { reason: `native addon failed to load (${(error as Error).message.split('\n')[0]})` };
    }
  }
  if (path === addonPath) loaded = result;
  return result;
}
