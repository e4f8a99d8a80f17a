// @module native/gemv
// Few-row GEMM without packing (kernels.h: few_rows), shared by every kernel family. Generation multiplies one
// row per sequence by the weights; packing B into panels for 14-row tiles would read the weights twice and
// waste most FMAs, so here B is streamed once, which is all a memory-bound product can ask for:
//  - B stored [N, K] (transposed, as nn.Linear keeps weights): each row of B is read once and dotted with the
//    few rows of A while it sits in L1, four FMA chains per dot;
//  - B stored [K, N]: up to four rows of C accumulate a[r, l] · B[l, j..] over l, reading B once per four rows.
// The loops are written once against a lane policy L (ScalarLanes below, Avx2Lanes in gemv-avx2.h):
//   vec, W, zero(), set(x), load(float *), load(bf16 bits *), store(float *, v), fma(a, b, c), add(a, b), sum(v)
// The AVX-512 families use the 8-lane policy as well: on the Zen 4 dev machine one sequential 256-bit stream
// read 17-21 GB/s against 15-19 GB/s with 512-bit loads (single thread, 250 MB of f32 weights).
#ifndef SLING_GEMV_H
#define SLING_GEMV_H
#include "kernels.h"

namespace sling {
namespace {

struct ScalarLanes {
  typedef float vec;
  static const long W = 1;
  static vec zero() { return 0.0f; }
  static vec set(float x) { return x; }
  static vec load(const float *at) { return *at; }
  static vec load(const unsigned short *at) { return bf16_bits_to_f32(*at); }
  static void store(float *at, vec x) { *at = x; }
  static vec fma(vec a, vec b, vec c) { return a * b + c; }
  static vec add(vec a, vec b) { return a + b; }
  static float sum(vec x) { return x; }
};

inline float widen(float value) { return value; }
inline float widen(unsigned short bits) { return bf16_bits_to_f32(bits); }

// BLAS semantics: beta == 0 ignores whatever C held (NaN included).
inline float merge(float sum, float old, float beta) { return beta == 0.0f ? sum : sum + beta * old; }

template <class L, class BInput>
inline float stream_dot(const float *x, const BInput *y, long k) {
  typedef typename L::vec vec;
  const long W = L::W;
  vec s0 = L::zero(), s1 = L::zero(), s2 = L::zero(), s3 = L::zero();
  long l = 0;
  for (; l + 4 * W <= k; l += 4 * W) {
    s0 = L::fma(L::load(x + l), L::load(y + l), s0);
    s1 = L::fma(L::load(x + l + W), L::load(y + l + W), s1);
    s2 = L::fma(L::load(x + l + 2 * W), L::load(y + l + 2 * W), s2);
    s3 = L::fma(L::load(x + l + 3 * W), L::load(y + l + 3 * W), s3);
  }
  for (; l + W <= k; l += W) s0 = L::fma(L::load(x + l), L::load(y + l), s0);
  float total = L::sum(L::add(L::add(s0, s1), L::add(s2, s3)));
  for (; l < k; l++) total += x[l] * widen(y[l]);
  return total;
}

// Columns [j, j + V·W) of R rows of C, B stored [K, N]: every row of B is read once for all R rows.
template <class L, int R, int V, class BInput>
inline void row_major_block(const GemmProblem<BInput> &p, const float *const *rowA, float *const *rowC, long j) {
  typedef typename L::vec vec;
  vec acc[R][V];
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) acc[r][v] = L::zero();
  for (long l = 0; l < p.k; l++) {
    const BInput *rowB = p.b + l * p.bRowStride + j;
    vec b[V];
    for (int v = 0; v < V; v++) b[v] = L::load(rowB + v * L::W);
    for (int r = 0; r < R; r++) {
      const vec scale = L::set(rowA[r][l]);
      for (int v = 0; v < V; v++) acc[r][v] = L::fma(scale, b[v], acc[r][v]);
    }
  }
  for (int r = 0; r < R; r++) {
    for (int v = 0; v < V; v++) {
      float *out = rowC[r] + j + v * L::W;
      L::store(out, p.beta == 0.0f ? acc[r][v] : L::fma(L::set(p.beta), L::load(out), acc[r][v]));
    }
  }
}

// Rows [i, i + R) of C (row i of op(A) at a + (i - i0)·lda), columns [j0, j1), B stored [K, N].
template <class L, int R, class BInput>
void gemv_row_major(const GemmProblem<BInput> &p, const float *a, long lda, long i0, long i, long j0, long j1) {
  const float *rowA[R];
  float *rowC[R];
  for (int r = 0; r < R; r++) rowA[r] = a + (i + r - i0) * lda, rowC[r] = p.c + (i + r) * p.ldc;
  long j = j0;
  for (; j + 2 * L::W <= j1; j += 2 * L::W) row_major_block<L, R, 2>(p, rowA, rowC, j);
  if (j + L::W <= j1) row_major_block<L, R, 1>(p, rowA, rowC, j), j += L::W;
  for (; j < j1; j++) {  // less than a vector of columns left
    for (int r = 0; r < R; r++) {
      float sum = 0.0f;
      for (long l = 0; l < p.k; l++) sum += rowA[r][l] * widen(p.b[l * p.bRowStride + j]);
      rowC[r][j] = merge(sum, rowC[r][j], p.beta);
    }
  }
}

// Rows [i0, i1) x columns [j0, j1) of a few_rows product; row i of op(A) is read at a + (i - i0)·lda, so the
// bf16 families can pass A rounded to bf16 (gemv-avx512.h) instead of p.a.
template <class L, class BInput>
void gemv_range(const GemmProblem<BInput> &p, const float *a, long lda, long i0, long i1, long j0, long j1) {
  if (p.bRowStride == 1) {
    for (long j = j0; j < j1; j++) {
      const BInput *rowB = p.b + j * p.bColStride;
      for (long i = i0; i < i1; i++) {
        float *out = p.c + i * p.ldc + j;
        *out = merge(stream_dot<L>(a + (i - i0) * lda, rowB, p.k), *out, p.beta);
      }
    }
    return;
  }
  long i = i0;
  for (; i + 4 <= i1; i += 4) gemv_row_major<L, 4>(p, a, lda, i0, i, j0, j1);
  switch (i1 - i) {
    case 3: gemv_row_major<L, 3>(p, a, lda, i0, i, j0, j1); break;
    case 2: gemv_row_major<L, 2>(p, a, lda, i0, i, j0, j1); break;
    case 1: gemv_row_major<L, 1>(p, a, lda, i0, i, j0, j1); break;
  }
}

// True when the product was few-row and is done.
template <class L, class BInput>
bool try_gemv(const GemmProblem<BInput> &p, long i0, long i1, long j0, long j1) {
  if (!few_rows(p)) return false;
  gemv_range<L>(p, p.a + i0 * p.aRowStride, p.aRowStride, i0, i1, j0, j1);
  return true;
}

}  // namespace
}  // namespace sling
#endif
