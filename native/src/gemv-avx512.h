// @module native/gemv-avx512
// The few-row path (gemv.h) of the AVX-512 families. They stream B with the 8-lane policy (see gemv.h for
// why); the bf16 families (AVX512-BF16, AMX), whose tiles round A to bf16, first round A the same way, so a
// row gets the same result whether it is multiplied alone (decode) or among many (prefill). Included by
// kernels-avx512.cc and kernels-amx.cc only.
#ifndef SLING_GEMV_AVX512_H
#define SLING_GEMV_AVX512_H
#include "gemv-avx2.h"

namespace sling {
namespace {

inline __m512 round_to_bf16(__m512 x) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(x)), 16));
}
inline float round_to_bf16(float x) { return bf16_bits_to_f32(f32_to_bf16_bits(x)); }

// Like try_gemv, with rows [i0, i1) of op(A) rounded to bf16 in `workspace` (WORKSPACE_A_BYTES); a product
// whose rows do not fit there (k above 32768) is left to the tiles.
template <class BInput>
bool try_gemv_bf16_a(const GemmProblem<BInput> &p, long i0, long i1, long j0, long j1, void *workspace) {
  if (!few_rows(p) || (i1 - i0) * p.k * (long)sizeof(float) > WORKSPACE_A_BYTES) return false;
  float *rounded = (float *)workspace;
  for (long i = i0; i < i1; i++) {
    const float *from = p.a + i * p.aRowStride;
    float *to = rounded + (i - i0) * p.k;
    long l = 0;
    for (; l + 16 <= p.k; l += 16) _mm512_storeu_ps(to + l, round_to_bf16(_mm512_loadu_ps(from + l)));
    for (; l < p.k; l++) to[l] = round_to_bf16(from[l]);
  }
  gemv_range<Avx2Lanes>(p, rounded, p.k, i0, i1, j0, j1);
  return true;
}

}  // namespace
}  // namespace sling
#endif
