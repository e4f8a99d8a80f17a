// @module native/kernels-amx
// AMX-BF16 family (Intel Sapphire Rapids and later): a 32x32 micro-kernel on 8 tile registers — four 16x16
// FP32 accumulator tiles (tmm0-3), two A tiles of 16 rows x 32 bf16 (tmm4-5) and two B tiles of 16 k-pairs x
// 16 columns (tmm6-7, the "VNNI" pair layout our bf16 B packing already uses). A is rounded to bf16 while
// packing, row-major, k padded to a multiple of 32; B (bf16 weights) is packed as k-pairs padded to 16 pairs.
// The tile configuration is per thread: loaded at the start of each range and released at the end.
// Linux only hands out the 8 KiB tile state after arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA);
// amx_request_permission() does that once, and addon.cc self-tests this family against AVX-512 before use
// (the dev machine, an AMD EPYC, has no AMX, so that self-test is what guards this code there).
#include "kernels.h"

#if defined(__x86_64__) && defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>

#pragma GCC push_options
#ifdef SLING_AMX_EMULATE
// native/test/amx-emulation.cc: the same code with software tiles, to check the packing and tile indexing
// on CPUs without AMX.
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,avx512bf16,fma,avx2")
#include <immintrin.h>
#include "../test/amx-emulation.h"
#else
#pragma GCC target("amx-tile,amx-bf16,avx512f,avx512bw,avx512dq,avx512vl,avx512bf16,fma,avx2")
#include <immintrin.h>
#endif
#include "gemv-avx512.h"

namespace sling {
namespace {

const int MR = 32;
const int NR = 32;

struct TileConfig {
  unsigned char palette;
  unsigned char startRow;
  unsigned char reserved[14];
  unsigned short columnBytes[16];
  unsigned char rows[16];
};

void load_tile_config() {
  alignas(64) TileConfig config = {};
  config.palette = 1;
  for (int tile = 0; tile < 8; tile++) {
    config.columnBytes[tile] = 64;
    config.rows[tile] = 16;
  }
  _tile_loadconfig(&config);
}

long round_up(long value, long to) { return (value + to - 1) / to * to; }

void kernel_amx_32x32(long kc, const unsigned short *pa, const unsigned short *pb, float *c, long ldc,
                      int accumulate) {
  const long paddedK = round_up(kc, 32);
  const long strideA = paddedK * 2;  // bytes between A rows
  const long strideB = 2 * NR * 2;   // bytes between k-pair rows of B
  const long strideC = ldc * 4;
  if (accumulate) {
    _tile_loadd(0, c, strideC);
    _tile_loadd(1, c + 16, strideC);
    _tile_loadd(2, c + 16 * ldc, strideC);
    _tile_loadd(3, c + 16 * ldc + 16, strideC);
  } else {
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
  }
  for (long l = 0; l < paddedK; l += 32) {
    _tile_loadd(4, pa + l, strideA);
    _tile_loadd(5, pa + 16 * paddedK + l, strideA);
    _tile_loadd(6, pb + (l / 2) * 2 * NR, strideB);
    _tile_loadd(7, pb + (l / 2) * 2 * NR + 32, strideB);
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  _tile_stored(0, c, strideC);
  _tile_stored(1, c + 16, strideC);
  _tile_stored(2, c + 16 * ldc, strideC);
  _tile_stored(3, c + 16 * ldc + 16, strideC);
}

struct AmxTraits {
  typedef unsigned short AElement;
  typedef unsigned short BInput;
  typedef unsigned short BElement;
  static const long MR = sling::MR, NR = sling::NR, KC = 512, MC = 32 * 6, NC = 1024;
  static long a_panel_elements(long kc) { return MR * round_up(kc, 32); }
  static long b_panel_elements(long kc) { return 2 * NR * (round_up(kc, 32) / 2); }
  static void pack_a(const float *a, long rs, long cs, long rows, long kc, unsigned short *out) {
    const long paddedK = round_up(kc, 32);
    for (long r = 0; r < MR; r++) {
      unsigned short *dst = out + r * paddedK;
      long l = 0;
      if (r < rows) {
        if (cs == 1) {
          for (; l + 32 <= kc; l += 32) {
            const float *src = a + r * rs + l;
            const __m512bh packed = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + 16), _mm512_loadu_ps(src));
            _mm512_storeu_si512((void *)(dst + l), (__m512i)packed);
          }
        }
        for (; l < kc; l++) dst[l] = f32_to_bf16_bits(a[r * rs + l * cs]);
      }
      for (; l < paddedK; l++) dst[l] = 0;
    }
  }
  static void pack_b(const unsigned short *b, long rs, long cs, long cols, long kc, unsigned short *out) {
    const long pairs = (kc + 1) / 2, paddedPairs = round_up(kc, 32) / 2;
    for (long q = 0; q < paddedPairs; q++) {
      unsigned short *dst = out + q * 2 * NR;
      const bool hasEven = q < pairs, hasOdd = 2 * q + 1 < kc;
      for (long j = 0; j < NR; j++) {
        const bool inside = j < cols;
        dst[2 * j] = inside && hasEven ? b[(2 * q) * rs + j * cs] : 0;
        dst[2 * j + 1] = inside && hasOdd ? b[(2 * q + 1) * rs + j * cs] : 0;
      }
    }
  }
  static void kernel(long kc, const unsigned short *pa, const unsigned short *pb, float *c, long ldc,
                     int accumulate) {
    kernel_amx_32x32(kc, pa, pb, c, ldc, accumulate);
  }
};

}  // namespace

void gemm_bf16_amx(const GemmProblem<unsigned short> &p, long i0, long i1, long j0, long j1, void *wsA, void *wsB) {
  // A few rows (decode) would fill 32-row tiles with padding: the unpacked AVX-512 path is faster there.
  if (try_gemv_bf16_a(p, i0, i1, j0, j1, wsA)) return;
  load_tile_config();
  gemm_range<AmxTraits>(p, i0, i1, j0, j1, (unsigned short *)wsA, (unsigned short *)wsB);
  _tile_release();
}

}  // namespace sling
#pragma GCC pop_options

namespace sling {
bool amx_request_permission() {
  const long ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18;
  return syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
}
}  // namespace sling

#else
namespace sling {
void gemm_bf16_amx(const GemmProblem<unsigned short> &, long, long, long, long, void *, void *) {}
bool amx_request_permission() { return false; }
}  // namespace sling
#endif
