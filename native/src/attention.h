// @module native/attention
// Fused scaled-dot-product attention, forward and backward, straight on the [B, T, H, D] layout (no head-major
// copies: the GEMM driver reads strided rows), and the decode step's attention over the KV cache. Shape legend:
// B batch, T queries, S keys, Hq query heads, Hkv kv heads (query head h uses kv head h / (Hq / Hkv)), D head dim.
#ifndef SLING_ATTENTION_H
#define SLING_ATTENTION_H
#include "dispatch.h"
#include "row-kernels.h"
#include "thread-pool.h"

namespace sling {

struct AttentionShape {
  long B, T, S, Hq, Hkv, D;
  float scale;
};

// Which keys query (b, t) sees: the range [ranges[2(bT + t)], ranges[2(bT + t) + 1]) minus keys with
// keyMask[b, s] == 0 or keySegments[b, s] != querySegments[b, t] (each filter may be null).
struct AttentionMask {
  const int *ranges;
  const unsigned char *keyMask;
  const int *querySegments;
  const int *keySegments;
};

// One new token per batch row against a slotted KV cache layer (src/engine/models/kv-cache.ts): element
// (slot, position, j) of keys and values at (slot·capacity + position)·Hkv·D + j. Batch row b reads the first
// lengths[slots[b]] + 1 positions of slot slots[b] (this step's key already written); window > 0 keeps only
// the last `window` of them (Mistral).
struct DecodeShape {
  long B, capacity, Hq, Hkv, D, window;
};

// out [B, T, Hq, D] and lse [B, Hq, T] (log-sum-exp of each row's scaled scores, −inf if no key is visible).
void attention_forward(const Family &family, const RowKernelTable &rows, ThreadPool *pool, const float *q, const float *k,
                       const float *v, float *out, float *lse, const AttentionShape &shape, const AttentionMask &mask);

// dq, dk, dv (each may be null) from dout, recomputing the probabilities from lse block by block.
void attention_backward(const Family &family, const RowKernelTable &rows, ThreadPool *pool, const float *q,
                        const float *k, const float *v, const float *lse, const float *dout, float *dq, float *dk,
                        float *dv, const AttentionShape &shape, const AttentionMask &mask);

// Generation's decode step: out [B, Hq, D] for q [B, Hq, D], straight from the cache slots (no gather), on the
// calling thread.
void decode_attention(const Family &family, const RowKernelTable &rows, const float *q, const float *keys,
                      const float *values, float *out, const int *slots, const int *lengths, const DecodeShape &shape);

}  // namespace sling
#endif
