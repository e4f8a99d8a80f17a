// @module native/test/amx-emulation
// Checks the AMX family's packing and tile indexing with software tiles (amx-emulation.h) against a double
// precision GEMM on bf16-rounded inputs, over awkward sizes and all transpose combinations. Needs AVX512-BF16
// (for the A conversion). Built and run by src/engine/backend/amx-emulation.test.ts.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../src/kernels.h"

using namespace sling;

int main() {
  // m > 8 throughout: fewer rows take the unpacked few-row path (gemv.h, checked by the conformance tests), not tiles.
  const long shapes[][3] = {{9, 1, 1}, {11, 7, 3}, {32, 32, 32}, {33, 31, 70}, {45, 37, 70}, {200, 97, 531}, {64, 65, 1030}};
  unsigned int state = 7;
  auto next = [&] { return (state = state * 1664525u + 1013904223u) / 4294967296.0f - 0.5f; };
  void *workspaceA = std::aligned_alloc(64, WORKSPACE_A_BYTES), *workspaceB = std::aligned_alloc(64, WORKSPACE_B_BYTES);
  int failures = 0;
  for (auto &shape : shapes) {
    for (int transposes = 0; transposes < 4; transposes++) {
      const long m = shape[0], n = shape[1], k = shape[2];
      const bool transA = transposes & 1, transB = transposes & 2;
      std::vector<float> a(m * k), c(m * n, 0.25f);
      std::vector<unsigned short> b(k * n);
      for (auto &value : a) value = next();
      for (auto &value : b) value = f32_to_bf16_bits(next());
      GemmProblem<unsigned short> p = {m, n, k, a.data(), transA ? 1 : k, transA ? m : 1, b.data(), transB ? 1 : n,
                                       transB ? k : 1, c.data(), n, 1.0f};
      gemm_bf16_amx(p, 0, m, 0, n, workspaceA, workspaceB);
      double worst = 0;
      for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
          double sum = 0.25, scale = 0.25;
          for (long l = 0; l < k; l++) {
            const double av = bf16_bits_to_f32(f32_to_bf16_bits(a[transA ? l * m + i : i * k + l]));
            const double bv = bf16_bits_to_f32(b[transB ? j * k + l : l * n + j]);
            sum += av * bv;
            scale += std::fabs(av * bv);
          }
          worst = std::fmax(worst, std::fabs(c[i * n + j] - sum) / scale);
        }
      }
      const bool ok = worst < 1e-5;
      failures += !ok;
      std::printf("%s %ldx%ldx%ld transA=%d transB=%d relative error %.2e\n", ok ? "ok  " : "FAIL", m, n, k, transA,
                  transB, worst);
    }
  }
  std::printf("%d passed, %d failed\n", 28 - failures, failures);
  return failures ? 1 : 0;
}
