/**
 * @module engine/models/ops-extra/decode-backend
 * Wraps the selected backend so that products with few rows of A — decode steps, where a linear layer sees one
 * row per sequence, and the attention products of one new token — run single-threaded on the streaming GEMV
 * kernel instead of a panel-packing, multi-threaded GEMM (packing costs more than the product at m = 1, and
 * waking worker threads for microsecond-sized products costs more still on a busy machine). Everything else
 * (prefill, training) goes to the wrapped backend unchanged. The results are the same
 * products (checked against the reference backend in decode-backend.test.ts), so wrapping is safe for every
 * caller in the process.
 */
import type { Backend, GemmArgs } from '../../backend/backend.ts';
import { getBackend, setBackend } from '../../backend/select.ts';
import { loadGemvAddon, type GemvAddon } from './gemv-native.ts';

/** Up to this many rows of A count as "matrix-vector" (decode of a small batch). */
export const GEMV_MAX_ROWS = 8;

const wrapped = new WeakSet<Backend>();

export function withGemv(inner: Backend, addon: GemvAddon): Backend {
  const fits = (args: GemmArgs) => {
    const beta = args.beta ?? 0;
    return args.m <= GEMV_MAX_ROWS && !args.transA && (beta === 0 || beta === 1);
  };
  const run = (a: Float32Array, b: Float32Array | Uint16Array, c: Float32Array, args: GemmArgs) => {
    const { m, n, k, batch = 1 } = args;
    addon.gemv(a, b, c, m, n, k, (args.beta ?? 0) === 1, args.transB === true, batch, args.strideA ?? m * k, args.strideB ?? k * n, args.strideC ?? m * n, args.offsetA ?? 0, args.offsetB ?? 0, args.offsetC ?? 0);
  };
  const backend: Backend = {
    name: inner.name,
    description: `${inner.description} + ${addon.kernelName()} decode GEMV`,
    fastBf16: inner.fastBf16,
    gemm(a, b, c, args) {
      if (fits(args)) run(a, b, c, args);
      else inner.gemm(a, b, c, args);
    },
    gemmBf16(a, b, c, args) {
      if (fits(args)) run(a, b, c, args);
      else inner.gemmBf16(a, b, c, args);
    },
  };
  wrapped.add(backend);
  return backend;
}

/** Installs the GEMV fast path on the process backend once; a no-op when the kernel cannot be built. */
export function enableDecodeGemv(): void {
  const current = getBackend();
  if (wrapped.has(current)) return;
  const { addon } = loadGemvAddon();
  if (addon) setBackend(withGemv(current, addon));
}
