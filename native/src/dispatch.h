// @module native/dispatch
// Run-time CPU dispatch: which kernel family (FP32 + bf16 entry points and tile shapes) this CPU can run,
// fastest first: AMX-BF16 (after Linux grants the tile state and a self-test passes) > AVX512-BF16 >
// AVX-512 > AVX2+FMA > portable C++.
#ifndef SLING_DISPATCH_H
#define SLING_DISPATCH_H
#include "kernels.h"

namespace sling {

struct Family {
  const char *name;
  GemmF32Fn f32;
  GemmBf16Fn bf16;
  const char *bf16Name;
  TileShape tile;
  TileShape bf16Tile;
};

bool has_avx512();
bool has_avx512bf16();
bool has_avx2();
// "absent" (CPU), "denied" (kernel refused the tile state), "self-test failed", or "active".
const char *amx_status();
const Family *best_family();
// "amx" | "avx512bf16" | "avx512" | "avx2" | "portable" | "best"; nullptr when this CPU cannot run it.
const Family *family_by_name(const char *name);

}  // namespace sling
#endif
