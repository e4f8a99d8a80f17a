// @module native/kernels-avx2
// AVX2+FMA fallback family: FP32 6x16 micro-kernel (12 ymm accumulators + 2 B vectors + 1 broadcast), bf16
// weights widened to FP32 while packing B, few-row products unpacked (gemv.h). Compiled for AVX2 via the
// pragma (function-level target attributes).
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include <immintrin.h>

#include "gemv-avx2.h"
#include "kernels.h"

namespace sling {
namespace {

const int MR = 6;
const int NR = 16;

void kernel_f32_6x16(long kc, const float *__restrict pa, const float *__restrict pb, float *c, long ldc,
                     int accumulate) {
  __m256 acc[MR][2];
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (long l = 0; l < kc; l++) {
    const __m256 b0 = _mm256_load_ps(pb);
    const __m256 b1 = _mm256_load_ps(pb + 8);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      const __m256 a = _mm256_broadcast_ss(pa + r);
      acc[r][0] = _mm256_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(a, b1, acc[r][1]);
    }
    pa += MR;
    pb += NR;
  }
  for (int r = 0; r < MR; r++) {
    float *row = c + r * ldc;
    if (accumulate) {
      acc[r][0] = _mm256_add_ps(acc[r][0], _mm256_loadu_ps(row));
      acc[r][1] = _mm256_add_ps(acc[r][1], _mm256_loadu_ps(row + 8));
    }
    _mm256_storeu_ps(row, acc[r][0]);
    _mm256_storeu_ps(row + 8, acc[r][1]);
  }
}

struct F32Traits {
  typedef float AElement;
  typedef float BInput;
  typedef float BElement;
  static const long MR = sling::MR, NR = sling::NR, KC = 256, MC = 6 * 24, NC = 1024;
  static long a_panel_elements(long kc) { return MR * kc; }
  static long b_panel_elements(long kc) { return NR * kc; }
  static void pack_a(const float *a, long rs, long cs, long rows, long kc, float *out) {
    pack_a_f32<sling::MR>(a, rs, cs, rows, kc, out);
  }
  static void pack_b(const float *b, long rs, long cs, long cols, long kc, float *out) {
    pack_b_f32<sling::NR>(b, rs, cs, cols, kc, out);
  }
  static void kernel(long kc, const float *pa, const float *pb, float *c, long ldc, int accumulate) {
    kernel_f32_6x16(kc, pa, pb, c, ldc, accumulate);
  }
};

struct WidenedBf16Traits : F32Traits {
  typedef unsigned short BInput;
  static void pack_b(const unsigned short *b, long rs, long cs, long cols, long kc, float *out) {
    pack_b_bf16_as_f32<sling::NR>(b, rs, cs, cols, kc, out);
  }
};

}  // namespace

void gemm_f32_avx2(const GemmProblem<float> &p, long i0, long i1, long j0, long j1, void *wsA, void *wsB) {
  if (try_gemv<Avx2Lanes>(p, i0, i1, j0, j1)) return;
  gemm_range<F32Traits>(p, i0, i1, j0, j1, (float *)wsA, (float *)wsB);
}

void gemm_bf16_avx2(const GemmProblem<unsigned short> &p, long i0, long i1, long j0, long j1, void *wsA,
                    void *wsB) {
  if (try_gemv<Avx2Lanes>(p, i0, i1, j0, j1)) return;
  gemm_range<WidenedBf16Traits>(p, i0, i1, j0, j1, (float *)wsA, (float *)wsB);
}

}  // namespace sling
#pragma GCC pop_options
