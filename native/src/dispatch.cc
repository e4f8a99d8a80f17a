// @module native/dispatch
// CPU feature detection and the choice of kernel family (see dispatch.h).
#include "dispatch.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace sling {
namespace {

const Family AMX_FAMILY = {"avx512", gemm_f32_avx512, gemm_bf16_amx, "amx", {14, 32}, {32, 32}};
const Family AVX512_BF16 = {"avx512", gemm_f32_avx512, gemm_bf16_avx512bf16, "avx512bf16", {14, 32}, {14, 32}};
const Family AVX512 = {"avx512", gemm_f32_avx512, gemm_bf16_avx512, "widened", {14, 32}, {14, 32}};
const Family AVX2 = {"avx2", gemm_f32_avx2, gemm_bf16_avx2, "widened", {6, 16}, {6, 16}};
const Family PORTABLE = {"portable", gemm_f32_portable, gemm_bf16_portable, "widened", {4, 8}, {4, 8}};

}  // namespace

bool has_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}
bool has_avx512bf16() { return has_avx512() && __builtin_cpu_supports("avx512bf16"); }
bool has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

namespace {
const char *amxStatus = nullptr;

// Runs the AMX family once on a small odd-sized problem and compares with the AVX-512 bf16 path (same
// rounding of A, so the results agree to FP32 summation-order error). Guards a kernel that cannot be
// exercised on CPUs without AMX, such as the AMD dev machine.
bool amx_self_test() {
  const long m = 45, n = 37, k = 70;
  std::vector<float> a(m * k), reference(m * n), result(m * n);
  std::vector<unsigned short> b(k * n);
  unsigned int state = 12345;
  auto next = [&] { return (state = state * 1664525u + 1013904223u) / 4294967296.0f - 0.5f; };
  for (auto &value : a) value = next();
  for (auto &value : b) value = f32_to_bf16_bits(next());
  GemmProblem<unsigned short> p = {m, n, k, a.data(), k, 1, b.data(), n, 1, reference.data(), n, 0.0f};
  void *workspaceA = std::aligned_alloc(64, WORKSPACE_A_BYTES), *workspaceB = std::aligned_alloc(64, WORKSPACE_B_BYTES);
  (has_avx512bf16() ? gemm_bf16_avx512bf16 : gemm_bf16_avx512)(p, 0, m, 0, n, workspaceA, workspaceB);
  p.c = result.data();
  gemm_bf16_amx(p, 0, m, 0, n, workspaceA, workspaceB);
  std::free(workspaceA);
  std::free(workspaceB);
  for (long i = 0; i < m * n; i++)
    if (!(std::fabs(result[i] - reference[i]) <= 1e-4f * (1.0f + std::fabs(reference[i])))) return false;
  return true;
}

}  // namespace

const char *amx_status() {
  if (!amxStatus) {
    if (!(has_avx512bf16() && __builtin_cpu_supports("amx-tile") && __builtin_cpu_supports("amx-bf16")))
      amxStatus = "absent";
    else if (!amx_request_permission()) amxStatus = "denied";
    else amxStatus = amx_self_test() ? "active" : "self-test failed";
  }
  return amxStatus;
}

const Family *best_family() {
  if (std::strcmp(amx_status(), "active") == 0) return &AMX_FAMILY;
  if (has_avx512bf16()) return &AVX512_BF16;
  if (has_avx512()) return &AVX512;
  if (has_avx2()) return &AVX2;
  return &PORTABLE;
}

const Family *family_by_name(const char *name) {
  const std::string isa(name);
  if (isa == "amx") return std::strcmp(amx_status(), "active") == 0 ? &AMX_FAMILY : nullptr;
  if (isa == "avx512bf16") return has_avx512bf16() ? &AVX512_BF16 : nullptr;
  if (isa == "avx512") return has_avx512() ? &AVX512 : nullptr;
  if (isa == "avx2") return has_avx2() ? &AVX2 : nullptr;
  if (isa == "portable") return &PORTABLE;
  if (isa == "best") return best_family();
  return nullptr;
}

}  // namespace sling
