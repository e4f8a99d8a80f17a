/**
 * @module engine/backend/native-rows
 * The native addon's row kernels (softmax pieces, SwiGLU, RMSNorm, RoPE, add, AdamW), fused attention and decode
 * attention over the KV cache, for the float32 paths of the tensor layer and of generation. `nativeRows()` returns
 * them while the selected backend is `native` (the TypeScript loops stay the fallback for wasm/reference and the
 * oracle in tests); SLING_ROW_KERNELS=javascript, or setNativeRows(false), keeps the TypeScript loops with native
 * GEMM (for comparisons).
 */
import { loadNativeAddon, type NativeRowFunctions } from './native-addon.ts';
import { getBackend } from './select.ts';

let enabled = process.env.SLING_ROW_KERNELS !== 'javascript';
let functions: NativeRowFunctions | null | undefined;

/** The native row kernels, or null when the backend is not native (or they are switched off). */
export function nativeRows(): NativeRowFunctions | null {
  if (!enabled || getBackend().name !== 'native') return null;
  if (functions === undefined) {
    const addon = loadNativeAddon().addon;
    // an addon built before the newest entry point (decodeAttention) keeps the TypeScript loops
    functions = addon && typeof addon.decodeAttention === 'function' ? addon : null;
  }
  return functions;
}

/** For tests and benchmarks: false keeps the TypeScript loops even on the native backend. */
export function setNativeRows(on: boolean): void {
  enabled = on;
}
