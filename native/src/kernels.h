// @module native/kernels
// Entry points of the per-ISA kernel families. Each computes rows [i0, i1) x columns [j0, j1) of one GEMM
// with caller-owned packing workspaces of WORKSPACE_A_BYTES / WORKSPACE_B_BYTES (64-byte aligned).
// Every family is compiled for its own ISA with function-level target attributes, so the addon binary loads
// on any x86-64 CPU and the dispatcher (addon.cc) only calls what cpu_features() reports.
#ifndef SLING_KERNELS_H
#define SLING_KERNELS_H
#include "gemm-driver.h"

namespace sling {

// Upper bounds over all families (KC <= 512, MC <= 512, NC <= 2048 FP32 elements).
const long WORKSPACE_A_BYTES = 512L * 512 * 4;
const long WORKSPACE_B_BYTES = 512L * 2048 * 4;

typedef void (*GemmF32Fn)(const GemmProblem<float> &, long, long, long, long, void *, void *);
typedef void (*GemmBf16Fn)(const GemmProblem<unsigned short> &, long, long, long, long, void *, void *);

void gemm_f32_avx512(const GemmProblem<float> &, long i0, long i1, long j0, long j1, void *wsA, void *wsB);
void gemm_bf16_avx512bf16(const GemmProblem<unsigned short> &, long i0, long i1, long j0, long j1, void *wsA,
                          void *wsB);
void gemm_bf16_avx512(const GemmProblem<unsigned short> &, long i0, long i1, long j0, long j1, void *wsA,
                      void *wsB);
void gemm_bf16_amx(const GemmProblem<unsigned short> &, long i0, long i1, long j0, long j1, void *wsA, void *wsB);
// Asks Linux for the AMX tile state (arch_prctl); false when refused or not on Linux x86-64.
bool amx_request_permission();
void gemm_f32_avx2(const GemmProblem<float> &, long i0, long i1, long j0, long j1, void *wsA, void *wsB);
void gemm_bf16_avx2(const GemmProblem<unsigned short> &, long i0, long i1, long j0, long j1, void *wsA,
                    void *wsB);
void gemm_f32_portable(const GemmProblem<float> &, long i0, long i1, long j0, long j1, void *wsA, void *wsB);
void gemm_bf16_portable(const GemmProblem<unsigned short> &, long i0, long i1, long j0, long j1, void *wsA,
                        void *wsB);

// Tile sizes of a family, so the thread splitter can cut at tile boundaries.
struct TileShape {
  long mr, nr;
};

// Products with at most this many rows of op(A) (a decode step: one row per sequence) skip packing in every
// family and stream B once instead (gemv.h); addon.cc schedules them by the weights they stream, not by FLOPs.
// op(A) rows must be contiguous and B contiguous along k or along n, which every caller's layout gives.
const long GEMV_MAX_ROWS = 8;

template <class BInput>
inline bool few_rows(const GemmProblem<BInput> &p) {
  return p.m <= GEMV_MAX_ROWS && p.k > 0 && p.aColStride == 1 && (p.bRowStride == 1 || p.bColStride == 1);
}

}  // namespace sling
#endif
