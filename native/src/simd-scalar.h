// @module native/simd-scalar
// The 1-lane portable twin of simd-avx512.h, so row-kernels-impl.h compiles for any x86-64 (or other) CPU.
// vexp uses the same reduction and polynomial as the AVX-512 version, with ldexp for 2^k.
#ifndef SLING_SIMD_SCALAR_H
#define SLING_SIMD_SCALAR_H
#include <cmath>

namespace sling {
namespace {

typedef float vec;
const long W = 1;

inline vec vload(const float *p) { return *p; }
inline vec vload_n(const float *p, long n, float fill) { return n > 0 ? *p : fill; }
inline void vstore(float *p, vec x) { *p = x; }
inline void vstore_n(float *p, vec x, long n) {
  if (n > 0) *p = x;
}
inline vec vset(float x) { return x; }
inline vec vadd(vec a, vec b) { return a + b; }
inline vec vsub(vec a, vec b) { return a - b; }
inline vec vmul(vec a, vec b) { return a * b; }
inline vec vdiv(vec a, vec b) { return a / b; }
inline vec vfma(vec a, vec b, vec c) { return a * b + c; }
inline vec vmax(vec a, vec b) { return a > b || std::isnan(a) ? a : b; }
inline float vreduce_max(vec x) { return x; }
inline double vreduce_add(vec x) { return x; }

inline vec vexp(vec x) {
  if (std::isnan(x)) return x;
  if (x < -104.0f) x = -104.0f;
  if (x > 88.8f) x = 88.8f;
  const float k = std::nearbyint(x * 1.44269504088896341f);
  float r = x - k * 0.693145751953125f;
  r = r - k * 1.428606765330187045e-06f;
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  return std::ldexp(p, (int)k);
}

}  // namespace
}  // namespace sling
#endif
