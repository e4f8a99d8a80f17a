// @module native/gemv-avx2
// The 8-lane (256-bit AVX2 + FMA) lane policy of gemv.h, used by the AVX2 and AVX-512 families. bf16 weights
// are widened in registers. Included only by files compiled with an AVX2 (or AVX-512) target pragma.
#ifndef SLING_GEMV_AVX2_H
#define SLING_GEMV_AVX2_H
#include <immintrin.h>

#include "gemv.h"

namespace sling {
namespace {

struct Avx2Lanes {
  typedef __m256 vec;
  static const long W = 8;
  static vec zero() { return _mm256_setzero_ps(); }
  static vec set(float x) { return _mm256_set1_ps(x); }
  static vec load(const float *at) { return _mm256_loadu_ps(at); }
  static vec load(const unsigned short *at) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)at)), 16));
  }
  static void store(float *at, vec x) { _mm256_storeu_ps(at, x); }
  static vec fma(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }
  static vec add(vec a, vec b) { return _mm256_add_ps(a, b); }
  static float sum(vec x) {
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    half = _mm_hadd_ps(half, half);
    return _mm_cvtss_f32(_mm_hadd_ps(half, half));
  }
};

}  // namespace
}  // namespace sling
#endif
