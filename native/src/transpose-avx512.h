// @module native/transpose-avx512
// 16x16 float transpose in registers, for packing operands whose K runs along memory rows (row-major A,
// transposed B). Four butterfly stages; stage s swaps bit s of the row index with bit s of the column index
// using one two-source permute per row: for a row pair (r, r + 2^s),
//   new[r][c]       = c has bit s ? old[r + 2^s][c - 2^s] : old[r][c]
//   new[r + 2^s][c] = c has bit s ? old[r + 2^s][c]       : old[r][c + 2^s]
// Included by kernels-avx512.cc only (AVX-512).
#ifndef SLING_TRANSPOSE_AVX512_H
#define SLING_TRANSPOSE_AVX512_H

namespace sling {
namespace {

struct TransposeIndices {
  __m512i low[4], high[4];
  TransposeIndices() {
    for (int s = 0; s < 4; s++) {
      alignas(64) int lowIndex[16], highIndex[16];
      const int bit = 1 << s;
      for (int c = 0; c < 16; c++) {
        lowIndex[c] = (c & bit) ? 16 + (c ^ bit) : c;
        highIndex[c] = (c & bit) ? 16 + c : (c | bit);
      }
      low[s] = _mm512_load_si512((const void *)lowIndex);
      high[s] = _mm512_load_si512((const void *)highIndex);
    }
  }
};

inline void transpose16(__m512 (&rows)[16]) {
  static const TransposeIndices indices;
  for (int s = 0; s < 4; s++) {
    const int bit = 1 << s;
    for (int r = 0; r < 16; r++) {
      if (r & bit) continue;
      const __m512 top = rows[r], bottom = rows[r | bit];
      rows[r] = _mm512_permutex2var_ps(top, indices.low[s], bottom);
      rows[r | bit] = _mm512_permutex2var_ps(top, indices.high[s], bottom);
    }
  }
}

// A micro-panel (MR <= 16 rows) from row-major A: out[l * MR + r] = a[r * rowStride + l].
template <int MR>
inline long pack_a_rows_transposed(const float *a, long rowStride, long kc, float *out) {
  const long blocks = kc / 16 * 16;
  const __mmask16 keep = (__mmask16)((1u << MR) - 1);
  for (long l0 = 0; l0 < blocks; l0 += 16) {
    __m512 rows[16];
    for (int r = 0; r < 16; r++) rows[r] = r < MR ? _mm512_loadu_ps(a + r * rowStride + l0) : _mm512_setzero_ps();
    transpose16(rows);
    for (int l = 0; l < 16; l++) _mm512_mask_storeu_ps(out + (l0 + l) * MR, keep, rows[l]);
  }
  return blocks;
}

// B micro-panel (NR a multiple of 16) from transposed B, whose column j is contiguous along k:
// out[l * NR + j] = b[j * colStride + l].
template <int NR>
inline long pack_b_columns_transposed(const float *b, long colStride, long kc, float *out) {
  const long blocks = kc / 16 * 16;
  for (long j0 = 0; j0 < NR; j0 += 16) {
    for (long l0 = 0; l0 < blocks; l0 += 16) {
      __m512 rows[16];
      for (int j = 0; j < 16; j++) rows[j] = _mm512_loadu_ps(b + (j0 + j) * colStride + l0);
      transpose16(rows);
      for (int l = 0; l < 16; l++) _mm512_storeu_ps(out + (l0 + l) * NR + j0, rows[l]);
    }
  }
  return blocks;
}

}  // namespace
}  // namespace sling
#endif
