/**
 * @module engine/tensor/ops/attention-mask
 * Which keys a query may attend to. Causal, key-length and window limits are a contiguous key range per
 * query; key masks and segment ids (packed sequences: never attend across example boundaries) are checked
 * per key. Shape legend: B batch, T queries, S keys.
 */
import { SlingError } from '../../../core/errors.ts';

export interface AttentionMaskOptions {
  /** Query t may see keys at positions ≤ offset + t. Default true. */
  causal?: boolean;
  /** Absolute position of the first query (T queries against S cached keys at positions 0..S−1). Default 0. */
  offset?: number;
  /** Valid keys per batch row, [B] (right padding: keys ≥ length are ignored). */
  keyLengths?: Int32Array;
  /** [B, S], nonzero = the key may be attended to (any padding pattern). */
  keyMask?: Uint8Array;
  /** Segment id of each query, [B, T]; a query sees only keys of the same segment. */
  segmentIds?: Int32Array;
  /** Segment id of each key, [B, S]; defaults to `segmentIds` (requires S = T). */
  keySegmentIds?: Int32Array;
  /** Sliding window (Mistral): query at position p sees keys at positions > p − window. */
  window?: number;
}

export interface MaskPlan {
  /** The contiguous key range [lo, hi) allowed for query t of batch row b by causal, length and window limits. */
  range(b: number, t: number): [number, number];
  /** Per-key filters (null when absent), checked inside the range. */
  keyMask: Uint8Array | null;
  segmentIds: Int32Array | null;
  keySegmentIds: Int32Array | null;
}

export function planMask(options: AttentionMaskOptions, batch: number, queries: number, keys: number): MaskPlan {
  const causal = options.causal ?? true;
  const offset = options.offset ?? 0;
  const { keyLengths, keyMask, segmentIds, window } = options;
  const keySegmentIds = options.keySegmentIds ?? segmentIds;
  const check = (condition: boolean, message: string): void => {
    if (!condition) throw new SlingError('tensor_attention_mask', `attention: ${message}`);
  };
  check(keyLengths === undefined || keyLengths.length === batch, `keyLengths has ${keyLengths?.length} entries for batch ${batch}`);
  check(keyMask === undefined || keyMask.length === batch * keys, `keyMask has ${keyMask?.length} entries, expected B·S = ${batch * keys}`);
  check(segmentIds === undefined || segmentIds.length === batch * queries, `segmentIds has ${segmentIds?.length} entries, expected B·T = ${batch * queries}`);
  check(keySegmentIds === undefined || keySegmentIds.length === batch * keys, `key segment ids have ${keySegmentIds?.length} entries, expected B·S = ${batch * keys}`);
  check(window === undefined || window >= 1, `window must be ≥ 1, got ${window}`);
  return {
    keyMask: keyMask ?? null,
    segmentIds: segmentIds ?? null,
    keySegmentIds: segmentIds ? keySegmentIds! : null,
    range(b, t) {
      let lo = 0;
      let hi = keys;
      if (keyLengths) hi = Math.min(hi, keyLengths[b]);
      if (causal) hi = Math.min(hi, offset + t + 1);
      if (window !== undefined) lo = Math.max(lo, offset + t - window + 1);
      return [lo, hi];
    },
  };
}
