/**
 * @module engine/backend/backend
 * The small interface every compute backend implements: `reference` (plain TypeScript, the oracle), `wasm`
 * (SIMD128 + worker threads) and `native` (N-API addon, AVX-512 / AMX). Tensors hold plain Float32Arrays
 * (or Uint16Array bf16 weights); backends only run kernels on them, so a GPU backend can be added later
 * by implementing this interface plus its own buffer residency, without touching the layers above.
 *
 * All matrices are row-major. `transA` means A is stored as [K, M] (so op(A) = Aᵀ); `transB` means B is
 * stored as [N, K]. The kernel computes C[M, N] = beta·C + op(A)·op(B) for each of `batch` matrices.
 *
 * Matrix-vector products (a decode step: M = one row per sequence) are ordinary `gemm` calls, and making them
 * fast is the backend's job: the native addon sends M ≤ 8 to an unpacked GEMV that streams B once and shares
 * it between threads by the bytes it reads, not its FLOPs (native/src/gemv.h, addon.cc). There is no separate
 * `gemv` entry or decode-time wrapper, so every caller (generation, serving, training on tiny batches) gets
 * the same products; wasm and reference run them like any other shape.
 */

export interface GemmArgs {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  /** 0 overwrites C, 1 accumulates into C. Other values are allowed but rarely needed. */
  beta?: number;
  /** Number of independent matrix products (batched matmul). Default 1. */
  batch?: number;
  /** Element offsets between consecutive batch items; default: the matrix size (dense), 0 = broadcast. */
  strideA?: number;
  strideB?: number;
  strideC?: number;
  /** Element offset of the first matrix inside each array. Default 0. */
  offsetA?: number;
  offsetB?: number;
  offsetC?: number;
}

export interface Backend {
  readonly name: string;
  /** Human-readable description for the start-up line, e.g. "native (AVX-512, AMX-BF16, 2 threads)". */
  readonly description: string;
  /** FP32 GEMM: C = beta·C + op(A)·op(B). */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, args: GemmArgs): void;
  /**
   * GEMM whose B operand is bf16 (raw bits in a Uint16Array), A and C float32, FP32 accumulation.
   * Used for frozen bf16 weights and bf16 mixed precision. Backends without fast bf16 may convert.
   */
  gemmBf16(a: Float32Array, b: Uint16Array, c: Float32Array, args: GemmArgs): void;
  /** True when gemmBf16 runs on dedicated hardware (AMX / AVX512-BF16) rather than by conversion. */
  readonly fastBf16: boolean;
}
