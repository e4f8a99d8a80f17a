// @module native/wasm/gemm-wasm
// GEMM kernels for the `wasm` backend: the same blocked driver as the native addon (../src/gemm-driver.h)
// with a SIMD128 micro-kernel. Built by scripts/build-wasm.mjs with Debian's clang/lld into
// src/engine/backend/gemm-kernels.wasm (committed, so installs need no compiler). The module imports a shared
// memory; every worker thread instantiates it on that memory with its own stack pointer, and the JS side
// (src/engine/backend/wasm*.ts) hands each thread a row/column range or a batch range.
#include <wasm_simd128.h>

#include "../src/gemm-driver.h"

namespace sling {
namespace {

// 4 x 8 tile (8 v128 accumulators): V8 maps v128 to the 16 xmm registers of x64, and bigger tiles spill.
// Measured single-thread at 1024^3 on the Zen 4 dev machine (-DTILE_M/-DTILE_N): 4x8 39 GFLOP/s, 4x16 29,
// 3x16 17, 4x12 16, 8x8 16.
#ifndef TILE_M
#define TILE_M 4
#define TILE_N 8
#endif
const int MR = TILE_M;
const int NR = TILE_N;

void kernel_f32(long kc, const float *__restrict pa, const float *__restrict pb, float *c, long ldc,
                int accumulate) {
  v128_t acc[MR][NR / 4];
  for (int r = 0; r < MR; r++)
    for (int q = 0; q < NR / 4; q++) acc[r][q] = wasm_f32x4_splat(0.0f);
  for (long l = 0; l < kc; l++) {
    v128_t b[NR / 4];
    for (int q = 0; q < NR / 4; q++) b[q] = wasm_v128_load(pb + 4 * q);
    for (int r = 0; r < MR; r++) {
      const v128_t a = wasm_f32x4_splat(pa[r]);
      for (int q = 0; q < NR / 4; q++) acc[r][q] = wasm_f32x4_add(acc[r][q], wasm_f32x4_mul(a, b[q]));
    }
    pa += MR;
    pb += NR;
  }
  for (int r = 0; r < MR; r++) {
    float *row = c + r * ldc;
    for (int q = 0; q < NR / 4; q++) {
      v128_t value = acc[r][q];
      if (accumulate) value = wasm_f32x4_add(value, wasm_v128_load(row + 4 * q));
      wasm_v128_store(row + 4 * q, value);
    }
  }
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
    kernel_f32(kc, pa, pb, c, ldc, accumulate);
  }
};

struct WidenedBf16Traits : F32Traits {
  typedef unsigned short BInput;
  static void pack_b(const unsigned short *b, long rs, long cs, long cols, long kc, float *out) {
    pack_b_bf16_as_f32<sling::NR>(b, rs, cs, cols, kc, out);
  }
};

template <class Traits>
void run(long m, long n, long k, const float *a, long aRowStride, long aColStride,
         const typename Traits::BInput *b, long bRowStride, long bColStride, float *c, float beta, long i0,
         long i1, long j0, long j1, void *workspaceA, void *workspaceB) {
  GemmProblem<typename Traits::BInput> p;
  p.m = m, p.n = n, p.k = k;
  p.a = a, p.aRowStride = aRowStride, p.aColStride = aColStride;
  p.b = b, p.bRowStride = bRowStride, p.bColStride = bColStride;
  p.c = c, p.ldc = n, p.beta = beta;
  gemm_range<Traits>(p, i0, i1, j0, j1, (float *)workspaceA, (float *)workspaceB);
}

}  // namespace
}  // namespace sling

#define EXPORT(name) extern "C" __attribute__((export_name(name)))

// Workspace sizes the JS side must reserve per thread.
EXPORT("workspace_a_bytes") long workspace_a_bytes() { return sling::F32Traits::MC * sling::F32Traits::KC * 4; }
EXPORT("workspace_b_bytes") long workspace_b_bytes() { return sling::F32Traits::NC * sling::F32Traits::KC * 4; }
EXPORT("tile_m") long tile_m() { return sling::MR; }
EXPORT("tile_n") long tile_n() { return sling::NR; }

EXPORT("gemm_f32")
void gemm_f32(long m, long n, long k, const float *a, long aRowStride, long aColStride, const float *b,
              long bRowStride, long bColStride, float *c, float beta, long i0, long i1, long j0, long j1,
              void *workspaceA, void *workspaceB) {
  sling::run<sling::F32Traits>(m, n, k, a, aRowStride, aColStride, b, bRowStride, bColStride, c, beta, i0, i1, j0,
                               j1, workspaceA, workspaceB);
}

EXPORT("gemm_bf16")
void gemm_bf16(long m, long n, long k, const float *a, long aRowStride, long aColStride, const unsigned short *b,
               long bRowStride, long bColStride, float *c, float beta, long i0, long i1, long j0, long j1,
               void *workspaceA, void *workspaceB) {
  sling::run<sling::WidenedBf16Traits>(m, n, k, a, aRowStride, aColStride, b, bRowStride, bColStride, c, beta, i0,
                                       i1, j0, j1, workspaceA, workspaceB);
}
