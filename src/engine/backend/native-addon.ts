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

export interface NativeAddon {
  gemm(kind: 0 | 1, a: Float32Array, b: Float32Array | Uint16Array, c: Float32Array, params: Float64Array): void;
  info(): NativeInfo;
  configure(options: { isa?: 'amx' | 'avx512bf16' | 'avx512' | 'avx2' | 'portable' | 'best'; threshold?: number }): void;
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
