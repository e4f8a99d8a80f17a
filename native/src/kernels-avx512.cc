// @module native/kernels-avx512
// AVX-512 kernel families: FP32 14x32 micro-kernel (28 zmm accumulators + 2 B vectors + 1 broadcast = 31 of 32
// registers), bf16 14x32 micro-kernel on AVX512-BF16 `vdpbf16ps` (A rounded to bf16 while packing, B = bf16
// weights packed as k-pairs, FP32 accumulation), and a bf16 path for AVX-512 CPUs without BF16 that widens B
// to FP32 while packing; few-row products skip packing (gemv-avx512.h). Everything in this file is compiled for AVX-512 via the pragma below (function-level
// target attributes), so the rest of the addon still runs on older CPUs.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,avx512bf16,fma,avx2")
#include <immintrin.h>

#include "kernels.h"
#include "gemv-avx512.h"
#include "transpose-avx512.h"

namespace sling {
namespace {

const int MR = 14;
const int NR = 32;

inline void store_tile(__m512 (&acc)[MR][2], float *c, long ldc, int accumulate) {
  for (int r = 0; r < MR; r++) {
    float *row = c + r * ldc;
    if (accumulate) {
      acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_loadu_ps(row));
      acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_loadu_ps(row + 16));
    }
    _mm512_storeu_ps(row, acc[r][0]);
    _mm512_storeu_ps(row + 16, acc[r][1]);
  }
}

void kernel_f32_14x32(long kc, const float *__restrict pa, const float *__restrict pb, float *c, long ldc,
                      int accumulate) {
  __m512 acc[MR][2];
#pragma GCC unroll 14
  for (int r = 0; r < MR; r++) {
    acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    // C rows are 4 KiB apart for n = 1024 (cache-set conflicts); fetch them while the FMAs run.
    _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + r * ldc + 16), _MM_HINT_T0);
  }
  for (long l = 0; l < kc; l++) {
    const __m512 b0 = _mm512_load_ps(pb);
    const __m512 b1 = _mm512_load_ps(pb + 16);
    _mm_prefetch((const char *)(pb + 8 * NR), _MM_HINT_T0);
#pragma GCC unroll 14
    for (int r = 0; r < MR; r++) {
      const __m512 a = _mm512_set1_ps(pa[r]);
      acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
    }
    pa += MR;
    pb += NR;
  }
  store_tile(acc, c, ldc, accumulate);
}

// A and B hold bf16 k-pairs: one 32-bit lane = (even k in the low half, odd k in the high half).
void kernel_bf16_14x32(long kc, const unsigned int *__restrict pa, const unsigned short *__restrict pb, float *c,
                       long ldc, int accumulate) {
  __m512 acc[MR][2];
#pragma GCC unroll 14
  for (int r = 0; r < MR; r++) {
    acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + r * ldc + 16), _MM_HINT_T0);
  }
  const long pairs = (kc + 1) / 2;
  for (long l = 0; l < pairs; l++) {
    const __m512bh b0 = (__m512bh)_mm512_load_si512((const void *)pb);
    const __m512bh b1 = (__m512bh)_mm512_load_si512((const void *)(pb + 32));
    _mm_prefetch((const char *)(pb + 8 * 2 * NR), _MM_HINT_T0);
#pragma GCC unroll 14
    for (int r = 0; r < MR; r++) {
      const __m512bh a = (__m512bh)_mm512_set1_epi32((int)pa[r]);
      acc[r][0] = _mm512_dpbf16_ps(acc[r][0], a, b0);
      acc[r][1] = _mm512_dpbf16_ps(acc[r][1], a, b1);
    }
    pa += MR;
    pb += 2 * NR;
  }
  store_tile(acc, c, ldc, accumulate);
}

#ifndef F32_KC
#define F32_KC 256
#define F32_MC (14 * 12)
#define F32_NC 1024
#endif
#ifndef BF16_KC
#define BF16_KC 512
#define BF16_MC (14 * 12)
#define BF16_NC 1024
#endif

struct F32Traits {
  typedef float AElement;
  typedef float BInput;
  typedef float BElement;
  static const long MR = sling::MR, NR = sling::NR, KC = F32_KC, MC = F32_MC, NC = F32_NC;
  static long a_panel_elements(long kc) { return MR * kc; }
  static long b_panel_elements(long kc) { return NR * kc; }
  static void pack_a(const float *a, long rs, long cs, long rows, long kc, float *out) {
    long done = 0;
    if (cs == 1 && rows == MR) done = pack_a_rows_transposed<sling::MR>(a, rs, kc, out);
    if (done < kc) pack_a_f32<sling::MR>(a + done, rs, cs, rows, kc - done, out + done * MR);
  }
  static void pack_b(const float *b, long rs, long cs, long cols, long kc, float *out) {
    long done = 0;
    if (rs == 1 && cols == NR) done = pack_b_columns_transposed<sling::NR>(b, cs, kc, out);
    if (done < kc) pack_b_f32<sling::NR>(b + done * rs, rs, cs, cols, kc - done, out + done * NR);
  }
  static void kernel(long kc, const float *pa, const float *pb, float *c, long ldc, int accumulate) {
    kernel_f32_14x32(kc, pa, pb, c, ldc, accumulate);
  }
};

struct WidenedBf16Traits : F32Traits {
  typedef unsigned short BInput;
  static void pack_b(const unsigned short *b, long rs, long cs, long cols, long kc, float *out) {
    pack_b_bf16_as_f32<sling::NR>(b, rs, cs, cols, kc, out);
  }
};

struct Bf16Traits {
  typedef unsigned int AElement;
  typedef unsigned short BInput;
  typedef unsigned short BElement;
  static const long MR = sling::MR, NR = sling::NR, KC = BF16_KC, MC = BF16_MC, NC = BF16_NC;
  static long a_panel_elements(long kc) { return MR * ((kc + 1) / 2); }
  static long b_panel_elements(long kc) { return 2 * NR * ((kc + 1) / 2); }
  static void pack_a(const float *a, long rs, long cs, long rows, long kc, unsigned int *out) {
    const long pairs = (kc + 1) / 2;
    long vectorPairs = 0;
    if (cs == 1 && rows == MR) {
      // Row-major A (the usual activations): convert 32 floats at a time with the hardware round-to-nearest-
      // even (vcvtne2ps2bf16; it treats subnormal inputs as zero), then scatter the 16 k-pairs.
      // The 16 pairs of each of the 14 rows are then transposed in registers (as 32-bit lanes).
      vectorPairs = (kc / 32) * 16;
      for (long q = 0; q < vectorPairs; q += 16) {
        __m512 rows[16];
        for (int r = 0; r < 16; r++) {
          if (r >= MR) {
            rows[r] = _mm512_setzero_ps();
            continue;
          }
          const float *row = a + r * rs + 2 * q;
          rows[r] = _mm512_castsi512_ps((__m512i)_mm512_cvtne2ps_pbh(_mm512_loadu_ps(row + 16), _mm512_loadu_ps(row)));
        }
        transpose16(rows);
        for (int i = 0; i < 16; i++) _mm512_mask_storeu_ps((float *)(out + (q + i) * MR), (__mmask16)((1u << MR) - 1), rows[i]);
      }
    }
    for (long r = 0; r < MR; r++) {
      for (long q = vectorPairs; q < pairs; q++) {
        unsigned int low = 0, high = 0;
        if (r < rows) {
          low = f32_to_bf16_bits(a[r * rs + (2 * q) * cs]);
          if (2 * q + 1 < kc) high = f32_to_bf16_bits(a[r * rs + (2 * q + 1) * cs]);
        }
        out[q * MR + r] = low | (high << 16);
      }
    }
  }
  static void pack_b(const unsigned short *b, long rs, long cs, long cols, long kc, unsigned short *out) {
    const long pairs = (kc + 1) / 2;
    const long fullPairs = kc / 2;
    long q0 = 0;
    if (cols == NR && cs == 1) {
      // Row-major B: interleave rows 2q and 2q+1 with one two-source word permute per 32 columns.
      alignas(64) static const unsigned short lowOrder[32] = {0, 32, 1, 33, 2, 34, 3, 35, 4, 36, 5, 37, 6, 38, 7, 39,
                                                              8, 40, 9, 41, 10, 42, 11, 43, 12, 44, 13, 45, 14, 46, 15, 47};
      const __m512i low = _mm512_load_si512((const void *)lowOrder);
      const __m512i high = _mm512_add_epi16(low, _mm512_set1_epi16(16));
      for (; q0 < fullPairs; q0++) {
        const __m512i even = _mm512_loadu_si512((const void *)(b + (2 * q0) * rs));
        const __m512i odd = _mm512_loadu_si512((const void *)(b + (2 * q0 + 1) * rs));
        _mm512_store_si512((void *)(out + q0 * 2 * NR), _mm512_permutex2var_epi16(even, low, odd));
        _mm512_store_si512((void *)(out + q0 * 2 * NR + 32), _mm512_permutex2var_epi16(even, high, odd));
      }
    } else if (cols == NR && rs == 1) {
      // Transposed B (weights stored [N, K], as nn.Linear): a k-pair is two adjacent bf16, one 32-bit load.
      unsigned int *out32 = (unsigned int *)out;
      for (long j = 0; j < NR; j++) {
        const unsigned short *column = b + j * cs;
        for (long q = 0; q < fullPairs; q++) {
          unsigned int pair;
          __builtin_memcpy(&pair, column + 2 * q, 4);
          out32[q * NR + j] = pair;
        }
      }
      q0 = fullPairs;
    }
    for (long q = q0; q < pairs; q++) {
      unsigned short *dst = out + q * 2 * NR;
      const unsigned short *even = b + (2 * q) * rs;
      const bool hasOdd = 2 * q + 1 < kc;
      for (long j = 0; j < NR; j++) {
        if (j < cols) {
          dst[2 * j] = even[j * cs];
          dst[2 * j + 1] = hasOdd ? even[rs + j * cs] : 0;
        } else {
          dst[2 * j] = dst[2 * j + 1] = 0;
        }
      }
    }
  }
  static void kernel(long kc, const unsigned int *pa, const unsigned short *pb, float *c, long ldc,
                     int accumulate) {
    kernel_bf16_14x32(kc, pa, pb, c, ldc, accumulate);
  }
};

}  // namespace

void gemm_f32_avx512(const GemmProblem<float> &p, long i0, long i1, long j0, long j1, void *wsA, void *wsB) {
  if (try_gemv<Avx2Lanes>(p, i0, i1, j0, j1)) return;
  gemm_range<F32Traits>(p, i0, i1, j0, j1, (float *)wsA, (float *)wsB);
}

void gemm_bf16_avx512bf16(const GemmProblem<unsigned short> &p, long i0, long i1, long j0, long j1, void *wsA,
                          void *wsB) {
  if (try_gemv_bf16_a(p, i0, i1, j0, j1, wsA)) return;
  gemm_range<Bf16Traits>(p, i0, i1, j0, j1, (unsigned int *)wsA, (unsigned short *)wsB);
}

void gemm_bf16_avx512(const GemmProblem<unsigned short> &p, long i0, long i1, long j0, long j1, void *wsA,
                      void *wsB) {
  if (try_gemv<Avx2Lanes>(p, i0, i1, j0, j1)) return;
  gemm_range<WidenedBf16Traits>(p, i0, i1, j0, j1, (float *)wsA, (float *)wsB);
}

}  // namespace sling
#pragma GCC pop_options
