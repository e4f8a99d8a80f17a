// @module native/gemv-avx512
// Few-row GEMM without packing (token-by-token generation multiplies one row by the weights): packing B and
// running 14-row tiles would read the weights twice and waste 13/14 of the FMAs. Each row of C is computed
// straight from B, 64 columns at a time for row-major B, or as dot products for transposed B (weights stored
// [N, K], as nn.Linear does). bf16 B is widened in registers. Included by kernels-avx512.cc only (AVX-512).
#ifndef SLING_GEMV_AVX512_H
#define SLING_GEMV_AVX512_H

namespace sling {
namespace {

// Rows up to this count use the unpacked path.
const long GEMV_MAX_ROWS = 3;

inline __m512 load16(const float *at) { return _mm512_loadu_ps(at); }
inline __m512 load16(const unsigned short *at) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)at)), 16));
}
inline __m512 load16_masked(const float *at, __mmask16 mask) { return _mm512_maskz_loadu_ps(mask, at); }
inline __m512 load16_masked(const unsigned short *at, __mmask16 mask) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(mask, at)), 16));
}
inline float to_float(float value) { return value; }
inline float to_float(unsigned short bits) { return bf16_bits_to_f32(bits); }

inline float merge(float sum, float old, float beta) { return beta == 0.0f ? sum : sum + beta * old; }

// One row i of C, columns [j0, j1). op(A) row i must be contiguous (aColStride == 1, true whenever m == 1).
template <class BInput>
void gemv_row(const GemmProblem<BInput> &p, long i, long j0, long j1) {
  const float *a = p.a + i * p.aRowStride;
  float *c = p.c + i * p.ldc;
  const long k = p.k;
  if (p.bColStride == 1) {
    // Row-major B: C[j..j+64) += a[l] * B[l, j..j+64) for every l.
    for (long j = j0; j < j1; j += 64) {
      const long width = min_long(64, j1 - j);
      __mmask16 masks[4];
      for (int v = 0; v < 4; v++) {
        const long left = width - 16 * v;
        masks[v] = left >= 16 ? (__mmask16)0xffff : left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1);
      }
      __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
      for (long l = 0; l < k; l++) {
        const __m512 scale = _mm512_set1_ps(a[l * p.aColStride]);
        const BInput *row = p.b + l * p.bRowStride + j;
        for (int v = 0; v < 4; v++)
          if (masks[v]) acc[v] = _mm512_fmadd_ps(scale, load16_masked(row + 16 * v, masks[v]), acc[v]);
      }
      for (int v = 0; v < 4; v++) {
        if (!masks[v]) continue;
        float *out = c + j + 16 * v;
        __m512 value = acc[v];
        if (p.beta != 0.0f) value = _mm512_fmadd_ps(_mm512_set1_ps(p.beta), _mm512_maskz_loadu_ps(masks[v], out), value);
        _mm512_mask_storeu_ps(out, masks[v], value);
      }
    }
    return;
  }
  // Transposed B: C[j] = dot(op(A) row i, column j of op(B)), and column j is contiguous (bRowStride == 1).
  const long vectorEnd = k / 16 * 16;
  for (long j = j0; j < j1; j++) {
    const BInput *column = p.b + j * p.bColStride;
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    long l = 0;
    for (; l + 32 <= vectorEnd; l += 32) {
      acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + l), load16(column + l), acc0);
      acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + l + 16), load16(column + l + 16), acc1);
    }
    for (; l < vectorEnd; l += 16) acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + l), load16(column + l), acc0);
    float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
    for (; l < k; l++) sum += a[l] * to_float(column[l]);
    c[j] = merge(sum, c[j], p.beta);
  }
}

// True when the unpacked path handled the range.
template <class BInput>
bool try_gemv(const GemmProblem<BInput> &p, long i0, long i1, long j0, long j1) {
  if (p.m > GEMV_MAX_ROWS || p.k == 0 || p.aColStride != 1) return false;
  if (p.bColStride != 1 && p.bRowStride != 1) return false;
  for (long i = i0; i < i1; i++) gemv_row(p, i, j0, j1);
  return true;
}

}  // namespace
}  // namespace sling
#endif
