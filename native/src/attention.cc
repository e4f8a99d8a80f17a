// @module native/attention
// See attention.h. Work is dealt out per (batch row, kv head) unit, so the dK/dV rows a unit accumulates into
// belong to it alone. Inside a unit, each query head is processed in blocks of QUERY_BLOCK rows; a block only
// multiplies against the keys some row of it can see (causal attention skips about half of the products).
// Per block: scores = Q·Kᵀ (strided GEMM), masked keys set to −inf, row softmax (row kernels), out = P·V.
// Backward recomputes P = exp(scale·QKᵀ − lse) and applies dV += Pᵀ·dO, dP = dO·Vᵀ, dS = P⊙(dP − rowsum(dP⊙P))·scale,
// dQ = dS·K, dK += dSᵀ·Q.
#include "attention.h"
#include "runtime.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace sling {
namespace {

// A multiple of the AVX-512 tile height (14); small enough that causal blocks skip most hidden keys.
const long QUERY_BLOCK = 56;

struct Block {
  long b, kvHead, head, t0, t1, kLo, kHi;
};

// Keys [kLo, kHi) any row of the block can see; kHi <= kLo when none.
void key_span(const AttentionShape &shape, const AttentionMask &mask, Block &block) {
  long lo = shape.S, hi = 0;
  for (long t = block.t0; t < block.t1; t++) {
    const int *range = mask.ranges + 2 * (block.b * shape.T + t);
    const long rowLo = range[0] < 0 ? 0 : range[0], rowHi = range[1] > shape.S ? shape.S : range[1];
    if (rowHi <= rowLo) continue;
    if (rowLo < lo) lo = rowLo;
    if (rowHi > hi) hi = rowHi;
  }
  block.kLo = lo, block.kHi = hi;
}

// Row t's visible range relative to the block's first key, and −inf written over filtered keys inside it.
void row_range(const AttentionShape &shape, const AttentionMask &mask, const Block &block, long t, float *row, long &lo,
               long &hi) {
  const int *range = mask.ranges + 2 * (block.b * shape.T + t);
  long rowLo = range[0] < block.kLo ? block.kLo : range[0], rowHi = range[1] > block.kHi ? block.kHi : range[1];
  if (rowHi < rowLo) rowHi = rowLo;
  lo = rowLo - block.kLo, hi = rowHi - block.kLo;
  if (!mask.keyMask && !mask.keySegments) return;
  const long keyBase = block.b * shape.S;
  const int segment = mask.querySegments ? mask.querySegments[block.b * shape.T + t] : 0;
  for (long s = rowLo; s < rowHi; s++) {
    const bool hidden = (mask.keyMask && mask.keyMask[keyBase + s] == 0) ||
                        (mask.keySegments && mask.keySegments[keyBase + s] != segment);
    if (hidden) row[s - block.kLo] = -INFINITY;
  }
}

GemmProblem<float> problem(long m, long n, long k, const float *a, long aRow, long aCol, const float *b, long bRow,
                           long bCol, float *c, long ldc, float beta) {
  GemmProblem<float> p;
  p.m = m, p.n = n, p.k = k;
  p.a = a, p.aRowStride = aRow, p.aColStride = aCol;
  p.b = b, p.bRowStride = bRow, p.bColStride = bCol;
  p.c = c, p.ldc = ldc, p.beta = beta;
  return p;
}

// Runs unit(index, workspace) for every (b, kv head) unit, on the pool when the work is worth waking it.
template <class Fn>
void for_each_unit(ThreadPool *pool, const AttentionShape &shape, ThreadWorkspace &callerWorkspace, Fn unit) {
  const long units = shape.B * shape.Hkv;
  if (!pool || units == 1) {
    for (long index = 0; index < units; index++) unit(index, callerWorkspace);
    return;
  }
  pool->run((int)units, [&](int index, ThreadWorkspace &workspace) { unit(index, workspace); });
}

thread_local std::vector<float> scoresScratch, gradScratch;

float *scratch(std::vector<float> &buffer, long size) {
  if ((long)buffer.size() < size) buffer.resize(size);
  return buffer.data();
}

}  // namespace

void attention_forward(const Family &family, const RowKernelTable &rows, ThreadPool *pool, const float *q, const float *k,
                       const float *v, float *out, float *lse, const AttentionShape &shape, const AttentionMask &mask) {
  const long G = shape.Hq / shape.Hkv, qRow = shape.Hq * shape.D, kvRow = shape.Hkv * shape.D, D = shape.D;
  for_each_unit(pool, shape, shared_calling_workspace(), [&](long unit, ThreadWorkspace &workspace) {
    Block block;
    block.b = unit / shape.Hkv, block.kvHead = unit % shape.Hkv;
    const float *keys = k + block.b * shape.S * kvRow + block.kvHead * D;
    const float *values = v + block.b * shape.S * kvRow + block.kvHead * D;
    for (long g = 0; g < G; g++) {
      block.head = block.kvHead * G + g;
      for (block.t0 = 0; block.t0 < shape.T; block.t0 += QUERY_BLOCK) {
        block.t1 = block.t0 + QUERY_BLOCK < shape.T ? block.t0 + QUERY_BLOCK : shape.T;
        const long m = block.t1 - block.t0;
        const float *queries = q + (block.b * shape.T + block.t0) * qRow + block.head * D;
        float *output = out + (block.b * shape.T + block.t0) * qRow + block.head * D;
        float *logSumExp = lse + (block.b * shape.Hq + block.head) * shape.T + block.t0;
        key_span(shape, mask, block);
        const long n = block.kHi - block.kLo;
        if (n <= 0) {
          for (long r = 0; r < m; r++) {
            std::memset(output + r * qRow, 0, D * sizeof(float));
            logSumExp[r] = -INFINITY;
          }
          continue;
        }
        float *scores = scratch(scoresScratch, m * n);
        family.f32(problem(m, n, D, queries, qRow, 1, keys + block.kLo * kvRow, 1, kvRow, scores, n, 0.0f), 0, m, 0, n,
                   workspace.a, workspace.b);
        for (long r = 0; r < m; r++) {
          long lo, hi;
          row_range(shape, mask, block, block.t0 + r, scores + r * n, lo, hi);
          logSumExp[r] = rows.softmax_row(scores + r * n, n, lo, hi, shape.scale);
        }
        family.f32(problem(m, D, n, scores, n, 1, values + block.kLo * kvRow, kvRow, 1, output, qRow, 0.0f), 0, m, 0, D,
                   workspace.a, workspace.b);
      }
    }
  });
}

void attention_backward(const Family &family, const RowKernelTable &rows, ThreadPool *pool, const float *q,
                        const float *k, const float *v, const float *lse, const float *dout, float *dq, float *dk,
                        float *dv, const AttentionShape &shape, const AttentionMask &mask) {
  const long G = shape.Hq / shape.Hkv, qRow = shape.Hq * shape.D, kvRow = shape.Hkv * shape.D, D = shape.D;
  for_each_unit(pool, shape, shared_calling_workspace(), [&](long unit, ThreadWorkspace &workspace) {
    Block block;
    block.b = unit / shape.Hkv, block.kvHead = unit % shape.Hkv;
    const long kvOffset = block.b * shape.S * kvRow + block.kvHead * D;
    for (long s = 0; s < shape.S; s++) {
      if (dk) std::memset(dk + kvOffset + s * kvRow, 0, D * sizeof(float));
      if (dv) std::memset(dv + kvOffset + s * kvRow, 0, D * sizeof(float));
    }
    for (long g = 0; g < G; g++) {
      block.head = block.kvHead * G + g;
      for (block.t0 = 0; block.t0 < shape.T; block.t0 += QUERY_BLOCK) {
        block.t1 = block.t0 + QUERY_BLOCK < shape.T ? block.t0 + QUERY_BLOCK : shape.T;
        const long m = block.t1 - block.t0;
        const long qOffset = (block.b * shape.T + block.t0) * qRow + block.head * D;
        const float *logSumExp = lse + (block.b * shape.Hq + block.head) * shape.T + block.t0;
        key_span(shape, mask, block);
        const long n = block.kHi - block.kLo;
        if (n <= 0) {
          if (dq)
            for (long r = 0; r < m; r++) std::memset(dq + qOffset + r * qRow, 0, D * sizeof(float));
          continue;
        }
        const float *keys = k + kvOffset + block.kLo * kvRow, *values = v + kvOffset + block.kLo * kvRow;
        float *probabilities = scratch(scoresScratch, m * n);
        family.f32(problem(m, n, D, q + qOffset, qRow, 1, keys, 1, kvRow, probabilities, n, 0.0f), 0, m, 0, n,
                   workspace.a, workspace.b);
        for (long r = 0; r < m; r++) {
          long lo, hi;
          row_range(shape, mask, block, block.t0 + r, probabilities + r * n, lo, hi);
          rows.recompute_row(probabilities + r * n, n, lo, hi, shape.scale, logSumExp[r]);
        }
        // dV[keys] += Pᵀ·dO
        if (dv)
          family.f32(problem(n, D, m, probabilities, 1, n, dout + qOffset, qRow, 1, dv + kvOffset + block.kLo * kvRow, kvRow, 1.0f),
                     0, n, 0, D, workspace.a, workspace.b);
        if (!dq && !dk) continue;
        float *gradScores = scratch(gradScratch, m * n);
        family.f32(problem(m, n, D, dout + qOffset, qRow, 1, values, 1, kvRow, gradScores, n, 0.0f), 0, m, 0, n,
                   workspace.a, workspace.b);
        for (long r = 0; r < m; r++) rows.softmax_backward_row(gradScores + r * n, probabilities + r * n, n, shape.scale);
        if (dq)
          family.f32(problem(m, D, n, gradScores, n, 1, keys, kvRow, 1, dq + qOffset, qRow, 0.0f), 0, m, 0, D, workspace.a,
                     workspace.b);
        if (dk)
          family.f32(problem(n, D, m, gradScores, 1, n, q + qOffset, qRow, 1, dk + kvOffset + block.kLo * kvRow, kvRow, 1.0f),
                     0, n, 0, D, workspace.a, workspace.b);
      }
    }
  });
}

// Per (row, kv head): the G query heads that share the kv head are a G-row product with the slot's keys and
// then with its values, so both run on the GEMM family's few-row path (gemv.h: keys streamed once for all G
// heads); scores = Q·Kᵀ, softmax per head, out = P·V.
void decode_attention(const Family &family, const RowKernelTable &rows, const float *q, const float *keys,
                      const float *values, float *out, const int *slots, const int *lengths, const DecodeShape &shape) {
  const long G = shape.Hq / shape.Hkv, D = shape.D, kvRow = shape.Hkv * D, qRow = shape.Hq * D;
  const float scale = (float)(1.0 / std::sqrt((double)D));
  ThreadWorkspace &workspace = shared_calling_workspace();
  for (long b = 0; b < shape.B; b++) {
    const long slot = slots[b], S = lengths[slot] + 1;
    const long lo = shape.window > 0 && S > shape.window ? S - shape.window : 0, n = S - lo;
    const long first = (slot * shape.capacity + lo) * kvRow;
    float *scores = scratch(scoresScratch, G * n);
    for (long kvHead = 0; kvHead < shape.Hkv; kvHead++) {
      const long at = b * qRow + kvHead * G * D;  // query heads kvHead·G .. kvHead·G + G − 1
      family.f32(problem(G, n, D, q + at, D, 1, keys + first + kvHead * D, 1, kvRow, scores, n, 0.0f), 0, G, 0, n,
                 workspace.a, workspace.b);
      for (long g = 0; g < G; g++) rows.softmax_row(scores + g * n, n, 0, n, scale);
      family.f32(problem(G, D, n, scores, n, 1, values + first + kvHead * D, kvRow, 1, out + at, D, 0.0f), 0, G, 0, D,
                 workspace.a, workspace.b);
    }
  }
}

}  // namespace sling
