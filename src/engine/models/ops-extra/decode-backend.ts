/**
 * @module engine/models/ops-extra/decode-backend
 * Wraps the selected backend so that matrix-vector shaped products — decode steps, where a linear layer sees
 * one row per sequence — run on the streaming GEMV kernel instead of a panel-packing GEMM. Everything else
 * (prefill, training, attention batches) goes to the wrapped backend unchanged. The results are the same
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
  const fits = (args: GemmArgs, b: Float32Array | Uint16Array) => {
    const beta = args.beta ?? 0;
    return args.m <= GEMV_MAX_ROWS && args.transB === true && !args.transA && (args.batch ?? 1) === 1 && (beta === 0 || beta === 1) &&
      !args.offsetA && !args.offsetB && !args.offsetC && b.length >= args.n * args.k;
  };
  const backend: Backend = {
    name: inner.name,
    description: `${inner.description} + ${addon.kernelName()} decode GEMV`,
    fastBf16: inner.fastBf16,
    gemm(a, b, c, args) {
      if (fits(args, b)) addon.gemv(a, b, c, args.m, args.n, args.k, (args.beta ?? 0) === 1);
      else inner.gemm(a, b, c, args);
    },
    gemmBf16(a, b, c, args) {
      if (fits(args, b)) addon.gemv(a, b, c, args.m, args.n, args.k, (args.beta ?? 0) === 1);
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
