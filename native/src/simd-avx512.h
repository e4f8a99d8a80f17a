// @module native/simd-avx512
// The 16-lane AVX-512 vector vocabulary that row-kernels-impl.h is written in (simd-scalar.h is the 1-lane
// portable twin). Included only by files compiled with the AVX-512 target pragma.
//
// vexp: exp(x) = 2^k · e^r with k = round(x·log2 e), r = x − k·ln2 (ln2 split in two for an exact product),
// e^r by a degree-7 Taylor polynomial (|r| ≤ ln2/2, truncation < 6e-9) and 2^k applied by vscalefps, which
// also gives correct overflow to +inf and gradual underflow to 0. Measured accuracy in
// src/engine/tensor/ops/native-rows.test.ts: relative error ≤ 4e-7 (a few float32 ulp) over [-104, 0], the
// softmax range.
#ifndef SLING_SIMD_AVX512_H
#define SLING_SIMD_AVX512_H
#include <immintrin.h>

namespace sling {
namespace {

typedef __m512 vec;
const long W = 16;

inline __mmask16 tail_mask(long n) { return (__mmask16)((1u << n) - 1u); }
inline vec vload(const float *p) { return _mm512_loadu_ps(p); }
// n < W lanes; the rest are `fill`.
inline vec vload_n(const float *p, long n, float fill) { return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), tail_mask(n), p); }
inline void vstore(float *p, vec x) { _mm512_storeu_ps(p, x); }
inline void vstore_n(float *p, vec x, long n) { _mm512_mask_storeu_ps(p, tail_mask(n), x); }
inline vec vset(float x) { return _mm512_set1_ps(x); }
inline vec vadd(vec a, vec b) { return _mm512_add_ps(a, b); }
inline vec vsub(vec a, vec b) { return _mm512_sub_ps(a, b); }
inline vec vmul(vec a, vec b) { return _mm512_mul_ps(a, b); }
inline vec vdiv(vec a, vec b) { return _mm512_div_ps(a, b); }
inline vec vfma(vec a, vec b, vec c) { return _mm512_fmadd_ps(a, b, c); }
inline vec vmax(vec a, vec b) { return _mm512_max_ps(a, b); }
inline float vreduce_max(vec x) { return _mm512_reduce_max_ps(x); }
// Sums in double so long rows (a 150k vocabulary) lose no precision to float accumulation.
inline double vreduce_add(vec x) {
  const __m512d low = _mm512_cvtps_pd(_mm512_castps512_ps256(x));
  const __m512d high = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1)));
  return _mm512_reduce_add_pd(_mm512_add_pd(low, high));
}

inline vec vexp(vec x) {
  // max/min keep NaN (x is the second operand); −104 underflows to 0 and 88.8 overflows to +inf in float32.
  x = _mm512_min_ps(_mm512_set1_ps(88.8f), _mm512_max_ps(_mm512_set1_ps(-104.0f), x));
  const vec k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  vec r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693145751953125f), x);
  r = _mm512_fnmadd_ps(k, _mm512_set1_ps(1.428606765330187045e-06f), r);
  vec p = _mm512_set1_ps(1.0f / 5040);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, k);
}

}  // namespace
}  // namespace sling
#endif
