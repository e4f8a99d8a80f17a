/**
 * @module engine/models/generate/cached-attention
 * Attention of generation steps against the KV cache, for inference only (no gradient). This pass's keys and
 * values are written into each row's slot, then:
 *  - one new token per row (decode): a direct loop over each row's own slot — rows may have different lengths,
 *    nothing is gathered, padded or transposed per step (the native addon's decodeAttention on the native
 *    backend, else the same loop in TypeScript below);
 *  - several tokens (prefill): the engine's attention on views of the row's slot (causal from the slot's length).
 * Each row's arithmetic does not depend on the other rows, so a sequence decodes the same whether it shares
 * the batch or not.
 *
 * Shape legend: B rows, T tokens per row in this pass, S keys of a row (cached + new), Hq query heads,
 * Hkv key/value heads, G = Hq/Hkv, D head dim.
 */
import { fastExp } from '../../backend/fast-exp.ts';
import { nativeRows } from '../../backend/native-rows.ts';
import { attention, concat, slice, Tensor } from '../../tensor/index.ts';
import type { KvCache } from '../kv-cache.ts';

/** q [B, T, Hq, D], k and v [B, T, Hkv, D] of this pass → out [B, T, Hq, D]. `window`: Mistral sliding window. */
export function cachedAttention(q: Tensor, k: Tensor, v: Tensor, cache: KvCache, layer: number, window?: number): Tensor {
  const [B, T, Hq, D] = q.shape;
  const Hkv = k.shape[2];
  cache.write(layer, k.values as Float32Array, v.values as Float32Array, T);
  if (T === 1) {
    const native = nativeRows();
    const query = q.values as Float32Array;
    let out: Float32Array;
    if (native) {
      const { keys, values, capacity } = cache.storage(layer);
      out = new Float32Array(B * Hq * D);
      native.decodeAttention(query, keys, values, out, cache.rows, cache.lengths, capacity, Hq, Hkv, D, window ?? 0);
    } else {
      out = decodeAttention(query, cache, layer, Hq, Hkv, D, window);
    }
    return new Tensor(out, [B, 1, Hq, D]);
  }
  const rows: Tensor[] = [];
  for (let b = 0; b < B; b++) {
    const slot = cache.rows[b];
    const offset = cache.lengths[slot];
    const [keys, values] = cache.view(layer, slot, offset + T, Hkv); // [1, S, Hkv, D]
    const query = B === 1 ? q : slice(q, 0, b, b + 1); // [1, T, Hq, D]
    rows.push(attention(query, keys, values, { causal: true, offset, window }));
  }
  return B === 1 ? rows[0] : concat(rows, 0);
}

/** The same in TypeScript (wasm and reference backends; and the reference the native kernel is tested against). One query per row: out[b, h] = Σ_s softmax_s(q[b, h] · K[slot_b, s, h/G] / √D) · V[slot_b, s, h/G]. */
export function decodeAttention(q: Float32Array, cache: KvCache, layer: number, Hq: number, Hkv: number, D: number, window?: number): Float32Array {
  const { keys, values, capacity } = cache.storage(layer);
  const B = cache.rows.length;
  const G = Hq / Hkv;
  const kvDim = Hkv * D;
  const scale = 1 / Math.sqrt(D);
  const out = new Float32Array(B * Hq * D);
  let longest = 0;
  for (const slot of cache.rows) longest = Math.max(longest, cache.lengths[slot] + 1);
  const scores = new Float32Array(longest);
  const accumulator = new Float64Array(D);
  for (let b = 0; b < B; b++) {
    const slot = cache.rows[b];
    const S = cache.lengths[slot] + 1; // this step's key is already written
    const lo = window === undefined ? 0 : Math.max(0, S - window);
    const base = slot * capacity * kvDim;
    for (let h = 0; h < Hq; h++) {
      const queryAt = (b * Hq + h) * D;
      const headAt = base + Math.floor(h / G) * D;
      let maximum = -Infinity;
      for (let s = lo; s < S; s++) {
        const keyAt = headAt + s * kvDim;
        let dot = 0;
        for (let d = 0; d < D; d++) dot += q[queryAt + d] * keys[keyAt + d];
        const score = Math.fround(Math.fround(dot) * scale);
        scores[s] = score;
        if (score > maximum) maximum = score;
      }
      accumulator.fill(0);
      let total = 0;
      for (let s = lo; s < S; s++) {
        const weight = Math.fround(fastExp(scores[s] - maximum));
        total += weight;
        const valueAt = headAt + s * kvDim;
        for (let d = 0; d < D; d++) accumulator[d] += weight * values[valueAt + d];
      }
      const inverse = 1 / total;
      for (let d = 0; d < D; d++) out[queryAt + d] = accumulator[d] * inverse;
    }
  }
  return out;
}
