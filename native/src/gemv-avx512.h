// @module native/gemv-avx512
// Few-row GEMM without packing (token-by-token generation multiplies one row by the weights): packing B and
// running 14-row tiles would read the weights twice and waste 13/14 of the FMAs. Each row of C is computed
// straight from B, 64 columns at a time for row-major B, or as dot products for transposed B (weights stored
// [N, K], as nn.Linear does). bf16 B is widened in registers. Included by kernels-avx512.cc only (AVX-512).
#ifndef SLING_GEMV_AVX512_H
#define SLING_GEMV_AVX512_H

namespace sling {
namespace {

// Up to this many rows (decode of a few sequences) use the unpacked path, four rows per pass over B.
const long GEMV_MAX_ROWS = 8;

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

// bf16 families round A to bf16 in their tiles; the few-row path does the same (RoundA), so a row's result
// does not depend on how many rows share the call (decode vs prefill).
inline __m512 round_to_bf16(__m512 x) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(x)), 16));
}
inline float round_to_bf16(float x) { return bf16_bits_to_f32(f32_to_bf16_bits(x)); }

inline float merge(float sum, float old, float beta) { return beta == 0.0f ? sum : sum + beta * old; }

// Rows [i, i + R) of C, columns [j0, j1), B read once for all R rows. op(A) rows must be contiguous
// (aColStride == 1, true whenever m == 1 or A is not transposed).
template <int R, bool RoundA, class BInput>
void gemv_rows(const GemmProblem<BInput> &p, long i, long j0, long j1) {
  const float *a[R];
  float *c[R];
  for (int r = 0; r < R; r++) {
    a[r] = p.a + (i + r) * p.aRowStride;
    c[r] = p.c + (i + r) * p.ldc;
  }
  const long k = p.k;
  if (p.bColStride == 1) {
    // Row-major B: C[r, j..j+64) += a[r][l] * B[l, j..j+64) for every l.
    for (long j = j0; j < j1; j += 64) {
      const long width = min_long(64, j1 - j);
      __mmask16 masks[4];
      for (int v = 0; v < 4; v++) {
        const long left = width - 16 * v;
        masks[v] = left >= 16 ? (__mmask16)0xffff : left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1);
      }
      __m512 acc[R][4];
      for (int r = 0; r < R; r++)
        for (int v = 0; v < 4; v++) acc[r][v] = _mm512_setzero_ps();
      for (long l = 0; l < k; l++) {
        const BInput *row = p.b + l * p.bRowStride + j;
        __m512 b[4];
        for (int v = 0; v < 4; v++) b[v] = masks[v] ? load16_masked(row + 16 * v, masks[v]) : _mm512_setzero_ps();
        for (int r = 0; r < R; r++) {
          const __m512 scale = _mm512_set1_ps(RoundA ? round_to_bf16(a[r][l]) : a[r][l]);
          for (int v = 0; v < 4; v++) acc[r][v] = _mm512_fmadd_ps(scale, b[v], acc[r][v]);
        }
      }
      for (int r = 0; r < R; r++) {
        for (int v = 0; v < 4; v++) {
          if (!masks[v]) continue;
          float *out = c[r] + j + 16 * v;
          __m512 value = acc[r][v];
          if (p.beta != 0.0f) value = _mm512_fmadd_ps(_mm512_set1_ps(p.beta), _mm512_maskz_loadu_ps(masks[v], out), value);
          _mm512_mask_storeu_ps(out, masks[v], value);
        }
      }
    }
    return;
  }
  // Transposed B: C[r, j] = dot(op(A) row r, column j of op(B)), and column j is contiguous (bRowStride == 1).
  const long vectorEnd = k / 16 * 16;
  for (long j = j0; j < j1; j++) {
    const BInput *column = p.b + j * p.bColStride;
    __m512 acc[R];
    for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
    for (long l = 0; l < vectorEnd; l += 16) {
      const __m512 b = load16(column + l);
      for (int r = 0; r < R; r++) {
        const __m512 x = _mm512_loadu_ps(a[r] + l);
        acc[r] = _mm512_fmadd_ps(RoundA ? round_to_bf16(x) : x, b, acc[r]);
      }
    }
    for (int r = 0; r < R; r++) {
      float sum = _mm512_reduce_add_ps(acc[r]);
      for (long l = vectorEnd; l < k; l++) sum += (RoundA ? round_to_bf16(a[r][l]) : a[r][l]) * to_float(column[l]);
      c[r][j] = merge(sum, c[r][j], p.beta);
    }
  }
}

// True when the unpacked path handled the range.
template <bool RoundA, class BInput>
bool try_gemv(const GemmProblem<BInput> &p, long i0, long i1, long j0, long j1) {
  if (p.m > GEMV_MAX_ROWS || p.k == 0 || p.aColStride != 1) return false;
  if (p.bColStride != 1 && p.bRowStride != 1) return false;
  long i = i0;
  for (; i + 4 <= i1; i += 4) gemv_rows<4, RoundA>(p, i, j0, j1);
  switch (i1 - i) {
    case 3: gemv_rows<3, RoundA>(p, i, j0, j1); break;
    case 2: gemv_rows<2, RoundA>(p, i, j0, j1); break;
    case 1: gemv_rows<1, RoundA>(p, i, j0, j1); break;
  }
  return true;
}

}  // namespace
}  // namespace sling
#endif
