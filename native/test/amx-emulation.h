// @module native/test/amx-emulation
// Software stand-ins for the AMX tile intrinsics used by kernels-amx.cc (palette 1, every tile 16 rows x 64
// bytes), following the instruction definitions in Intel's ISA reference: TDPBF16PS computes
// C[m][n] += sum over pairs p of A[m][2p]*B[p][2n] + A[m][2p+1]*B[p][2n+1] in FP32.
#ifndef SLING_AMX_EMULATION_H
#define SLING_AMX_EMULATION_H
#include <cstring>

namespace sling_amx_emulation {
inline unsigned char tiles[8][16][64];
inline float bf16(const unsigned char *at) {
  unsigned int bits = (unsigned int)(at[0] | (at[1] << 8)) << 16;
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}
inline void load(int tile, const void *base, long stride) {
  for (int row = 0; row < 16; row++) std::memcpy(tiles[tile][row], (const char *)base + row * stride, 64);
}
inline void store(int tile, void *base, long stride) {
  for (int row = 0; row < 16; row++) std::memcpy((char *)base + row * stride, tiles[tile][row], 64);
}
inline void dpbf16ps(int c, int a, int b) {
  for (int m = 0; m < 16; m++) {
    for (int n = 0; n < 16; n++) {
      float sum;
      std::memcpy(&sum, &tiles[c][m][4 * n], 4);
      for (int p = 0; p < 16; p++) {
        sum += bf16(&tiles[a][m][4 * p]) * bf16(&tiles[b][p][4 * n]);
        sum += bf16(&tiles[a][m][4 * p + 2]) * bf16(&tiles[b][p][4 * n + 2]);
      }
      std::memcpy(&tiles[c][m][4 * n], &sum, 4);
    }
  }
}
}  // namespace sling_amx_emulation

#undef _tile_loadconfig
#undef _tile_release
#undef _tile_zero
#undef _tile_loadd
#undef _tile_stored
#undef _tile_dpbf16ps
#define _tile_loadconfig(config) ((void)(config))
#define _tile_release() ((void)0)
#define _tile_zero(tile) std::memset(sling_amx_emulation::tiles[tile], 0, sizeof sling_amx_emulation::tiles[tile])
#define _tile_loadd(tile, base, stride) sling_amx_emulation::load(tile, base, stride)
#define _tile_stored(tile, base, stride) sling_amx_emulation::store(tile, base, stride)
#define _tile_dpbf16ps(c, a, b) sling_amx_emulation::dpbf16ps(c, a, b)
#endif
