// @module native/gemm-driver
// Cache-blocked GEMM driver shared by the native addon and the wasm build (no standard library, so it
// compiles with `clang --target=wasm32 -nostdlib` too). It follows the BLIS loop order: for each NC-wide
// column slab and KC-deep slice, B is packed once into KC x NR micro-panels (kept in L2/L3); for each MC-tall
// row block A is packed into KC x MR micro-panels (kept in L2); the register-blocked micro-kernel then
// computes one MR x NR tile of C while streaming one A and one B micro-panel.
//
// A kernel family plugs in through a traits struct `Traits` providing
//   MR, NR, KC, MC, NC              tile and block sizes (MC multiple of MR, NC multiple of NR)
//   AElement, BInput, BElement      packed A element, B input element and packed B element types
//   a_panel_elements(kc), b_panel_elements(kc)   sizes of one packed micro-panel
//   pack_a(a, rowStride, colStride, rows, kc, out)   rows <= MR; zero-pads to MR (and to an even kc for bf16)
//   pack_b(b, rowStride, colStride, cols, kc, out)   cols <= NR; zero-pads to NR
//   kernel(kc, packedA, packedB, c, ldc, accumulate)  full MR x NR tile; accumulate=0 overwrites C
// Transposed operands are just different (row, column) strides, so all four transpose combinations share one
// path; packing absorbs the gather.
#ifndef SLING_GEMM_DRIVER_H
#define SLING_GEMM_DRIVER_H

namespace sling {

// Element (i, l) of op(A) is a[i * aRowStride + l * aColStride]; likewise for B (l, j) and C (i, j) = c[i * ldc + j].
template <class BInput>
struct GemmProblem {
  long m, n, k;
  const float *a;
  long aRowStride, aColStride;
  const BInput *b;
  long bRowStride, bColStride;
  float *c;
  long ldc;
  float beta;
};

// Everything below has internal linkage: each kernel file compiles it for its own ISA, and a shared (COMDAT)
// copy would let the linker pick, say, the AVX-512 build of a helper for the portable family.
namespace {

inline long min_long(long x, long y) { return x < y ? x : y; }

// C = beta * C for the sub-block; beta == 0 writes zeros so NaN/Inf garbage in C never leaks (BLAS semantics).
inline void scale_block(float *c, long ldc, long rows, long cols, float beta) {
  for (long i = 0; i < rows; i++) {
    float *row = c + i * ldc;
    if (beta == 0.0f) {
      for (long j = 0; j < cols; j++) row[j] = 0.0f;
    } else {
      for (long j = 0; j < cols; j++) row[j] *= beta;
    }
  }
}

// Computes rows [i0, i1) and columns [j0, j1) of C. `packA`/`packB` are caller-owned workspaces of at least
// (MC / MR) * a_panel_elements(KC) and (NC / NR) * b_panel_elements(KC) elements (64-byte aligned).
template <class Traits>
void gemm_range(const GemmProblem<typename Traits::BInput> &p, long i0, long i1, long j0, long j1,
                typename Traits::AElement *packA, typename Traits::BElement *packB) {
  typedef typename Traits::AElement AElement;
  typedef typename Traits::BElement BElement;
  const long MR = Traits::MR, NR = Traits::NR;
  if (i0 >= i1 || j0 >= j1) return;
  if (p.k == 0 || (p.beta != 0.0f && p.beta != 1.0f)) {
    scale_block(p.c + i0 * p.ldc + j0, p.ldc, i1 - i0, j1 - j0, p.beta);
    if (p.k == 0) return;
  }
  const bool betaZero = p.beta == 0.0f;
  alignas(64) float edge[Traits::MR * Traits::NR];
  for (long jc = j0; jc < j1; jc += Traits::NC) {
    const long nc = min_long(Traits::NC, j1 - jc);
    for (long pc = 0; pc < p.k; pc += Traits::KC) {
      const long kc = min_long(Traits::KC, p.k - pc);
      const int accumulate = (pc > 0 || !betaZero) ? 1 : 0;
      const long bPanel = Traits::b_panel_elements(kc);
      const long aPanel = Traits::a_panel_elements(kc);
      for (long jr = 0; jr < nc; jr += NR) {
        Traits::pack_b(p.b + pc * p.bRowStride + (jc + jr) * p.bColStride, p.bRowStride, p.bColStride,
                       min_long(NR, nc - jr), kc, packB + (jr / NR) * bPanel);
      }
      for (long ic = i0; ic < i1; ic += Traits::MC) {
        const long mc = min_long(Traits::MC, i1 - ic);
        for (long ir = 0; ir < mc; ir += MR) {
          Traits::pack_a(p.a + (ic + ir) * p.aRowStride + pc * p.aColStride, p.aRowStride, p.aColStride,
                         min_long(MR, mc - ir), kc, packA + (ir / MR) * aPanel);
        }
        for (long jr = 0; jr < nc; jr += NR) {
          const long nr = min_long(NR, nc - jr);
          const BElement *panelB = packB + (jr / NR) * bPanel;
          for (long ir = 0; ir < mc; ir += MR) {
            const long mr = min_long(MR, mc - ir);
            const AElement *panelA = packA + (ir / MR) * aPanel;
            float *tile = p.c + (ic + ir) * p.ldc + jc + jr;
            if (mr == MR && nr == NR) {
              Traits::kernel(kc, panelA, panelB, tile, p.ldc, accumulate);
              continue;
            }
            // Edge tile: compute the full tile into a scratch buffer, then merge only the valid part.
            Traits::kernel(kc, panelA, panelB, edge, NR, 0);
            for (long r = 0; r < mr; r++) {
              float *row = tile + r * p.ldc;
              const float *from = edge + r * NR;
              if (accumulate) {
                for (long j = 0; j < nr; j++) row[j] += from[j];
              } else {
                for (long j = 0; j < nr; j++) row[j] = from[j];
              }
            }
          }
        }
      }
    }
  }
}

// *** packing helpers shared by the kernel families ***

// FP32 A micro-panel: out[l * MR + r] = A(r, l), rows >= `rows` zero.
template <int MR>
inline void pack_a_f32(const float *a, long rowStride, long colStride, long rows, long kc, float *out) {
  if (colStride == 1) {
    for (long r = 0; r < rows; r++) {
      const float *src = a + r * rowStride;
      for (long l = 0; l < kc; l++) out[l * MR + r] = src[l];
    }
  } else {
    for (long l = 0; l < kc; l++) {
      const float *src = a + l * colStride;
      for (long r = 0; r < rows; r++) out[l * MR + r] = src[r * rowStride];
    }
  }
  for (long r = rows; r < MR; r++)
    for (long l = 0; l < kc; l++) out[l * MR + r] = 0.0f;
}

// FP32 B micro-panel: out[l * NR + j] = B(l, j), columns >= `cols` zero.
template <int NR>
inline void pack_b_f32(const float *b, long rowStride, long colStride, long cols, long kc, float *out) {
  if (colStride == 1) {
    for (long l = 0; l < kc; l++) {
      const float *src = b + l * rowStride;
      float *dst = out + l * NR;
      long j = 0;
      for (; j < cols; j++) dst[j] = src[j];
      for (; j < NR; j++) dst[j] = 0.0f;
    }
  } else {
    for (long j = 0; j < cols; j++) {
      const float *src = b + j * colStride;
      for (long l = 0; l < kc; l++) out[l * NR + j] = src[l * rowStride];
    }
    for (long j = cols; j < NR; j++)
      for (long l = 0; l < kc; l++) out[l * NR + j] = 0.0f;
  }
}

inline float bf16_bits_to_f32(unsigned short bits) {
  union {
    unsigned int u;
    float f;
  } v;
  v.u = (unsigned int)bits << 16;
  return v.f;
}

// Round-to-nearest-even float32 -> bf16 bits (NaN stays NaN), matching src/engine/backend/bf16.ts.
inline unsigned short f32_to_bf16_bits(float value) {
  union {
    float f;
    unsigned int u;
  } v;
  v.f = value;
  if ((v.u & 0x7fffffffu) > 0x7f800000u) return (unsigned short)((v.u >> 16) | 0x40);
  return (unsigned short)((v.u + 0x7fffu + ((v.u >> 16) & 1u)) >> 16);
}

// B micro-panel from bf16 weights widened to FP32 (for kernels without bf16 dot products).
template <int NR>
inline void pack_b_bf16_as_f32(const unsigned short *b, long rowStride, long colStride, long cols, long kc,
                               float *out) {
  for (long l = 0; l < kc; l++) {
    float *dst = out + l * NR;
    for (long j = 0; j < cols; j++) dst[j] = bf16_bits_to_f32(b[l * rowStride + j * colStride]);
    for (long j = cols; j < NR; j++) dst[j] = 0.0f;
  }
}

}  // namespace
}  // namespace sling

#endif
