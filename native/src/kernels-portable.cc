// @module native/kernels-portable
// Plain C++ family for x86-64 CPUs without AVX2 (baseline SSE2, auto-vectorized): 4x8 tiles, and gemv.h's
// few-row path one lane wide. Slow but correct, so the addon never refuses to run; the selector prefers wasm
// over it (see src/engine/backend/select.ts).
#include "gemv.h"
#include "kernels.h"

namespace sling {
namespace {

const int MR = 4;
const int NR = 8;

void kernel_f32_4x8(long kc, const float *__restrict pa, const float *__restrict pb, float *c, long ldc,
                    int accumulate) {
  float acc[MR][NR] = {};
  for (long l = 0; l < kc; l++) {
    for (int r = 0; r < MR; r++)
      for (int j = 0; j < NR; j++) acc[r][j] += pa[r] * pb[j];
    pa += MR;
    pb += NR;
  }
  for (int r = 0; r < MR; r++)
    for (int j = 0; j < NR; j++) c[r * ldc + j] = accumulate ? c[r * ldc + j] + acc[r][j] : acc[r][j];
}

struct F32Traits {
  typedef float AElement;
  typedef float BInput;
  typedef float BElement;
  static const long MR = sling::MR, NR = sling::NR, KC = 256, MC = 128, NC = 1024;
  static long a_panel_elements(long kc) { return MR * kc; }
  static long b_panel_elements(long kc) { return NR * kc; }
  static void pack_a(const float *a, long rs, long cs, long rows, long kc, float *out) {
    pack_a_f32<sling::MR>(a, rs, cs, rows, kc, out);
  }
  static void pack_b(const float *b, long rs, long cs, long cols, long kc, float *out) {
    pack_b_f32<sling::NR>(b, rs, cs, cols, kc, out);
  }
  static void kernel(long kc, const float *pa, const float *pb, float *c, long ldc, int accumulate) {
    kernel_f32_4x8(kc, pa, pb, c, ldc, accumulate);
  }
};

struct WidenedBf16Traits : F32Traits {
  typedef unsigned short BInput;
  static void pack_b(const unsigned short *b, long rs, long cs, long cols, long kc, float *out) {
    pack_b_bf16_as_f32<sling::NR>(b, rs, cs, cols, kc, out);
  }
};

}  // namespace

void gemm_f32_portable(const GemmProblem<float> &p, long i0, long i1, long j0, long j1, void *wsA, void *wsB) {
  if (try_gemv<ScalarLanes>(p, i0, i1, j0, j1)) return;
  gemm_range<F32Traits>(p, i0, i1, j0, j1, (float *)wsA, (float *)wsB);
}

void gemm_bf16_portable(const GemmProblem<unsigned short> &p, long i0, long i1, long j0, long j1, void *wsA,
                        void *wsB) {
  if (try_gemv<ScalarLanes>(p, i0, i1, j0, j1)) return;
  gemm_range<WidenedBf16Traits>(p, i0, i1, j0, j1, (float *)wsA, (float *)wsB);
}

}  // namespace sling
