/**
 * @module engine/models/kv-cache
 * Keys and values of past tokens, preallocated per layer as [B, maxLength, Hkv·D] so a decode step appends one
 * row instead of reallocating. Slots are aligned across the batch (left padding); `keyValid` marks padding
 * slots that no query may attend to. For B = 1 the attention inputs are views of the cache (no copy).
 */
import { SlingError } from '../../core/errors.ts';
import { Tensor } from '../tensor/index.ts';

export class KvCache {
  /** Number of filled slots (the same for every row of the batch). */
  length = 0;
  private readonly keys: Float32Array[];
  private readonly values: Float32Array[];
  /** [B, maxLength]: 1 = a real token, 0 = padding. */
  readonly keyValid: Uint8Array;

  constructor(
    readonly numLayers: number,
    readonly batch: number,
    readonly maxLength: number,
    /** Hkv · D. */
    readonly kvDim: number,
  ) {
    this.keys = Array.from({ length: numLayers }, () => new Float32Array(batch * maxLength * kvDim));
    this.values = Array.from({ length: numLayers }, () => new Float32Array(batch * maxLength * kvDim));
    this.keyValid = new Uint8Array(batch * maxLength).fill(1);
  }

  /** Checks that `tokens` more fit; call before a forward pass. */
  reserve(tokens: number): void {
    if (this.length + tokens > this.maxLength) {
      throw new SlingError('kv_cache_full', `the KV cache holds ${this.maxLength} tokens; ${this.length} used, ${tokens} more requested`, {
        hint: 'create the cache with a larger maxLength (prompt + max new tokens)',
      });
    }
  }

  /** Writes this step's k, v ([B, T, Hkv, D]) for `layer` and returns all keys/values so far, [B, S, Hkv, D]. */
  append(layer: number, k: Tensor, v: Tensor): [Tensor, Tensor] {
    const [batch, tokens, heads, dim] = k.shape;
    const row = this.kvDim;
    const start = this.length;
    const total = start + tokens;
    const keys = this.keys[layer];
    const values = this.values[layer];
    const kv = k.values;
    const vv = v.values;
    for (let b = 0; b < batch; b++) {
      const at = (b * this.maxLength + start) * row;
      keys.set(kv.subarray(b * tokens * row, (b + 1) * tokens * row), at);
      values.set(vv.subarray(b * tokens * row, (b + 1) * tokens * row), at);
    }
    if (batch === 1) {
      return [new Tensor(keys.subarray(0, total * row), [1, total, heads, dim]), new Tensor(values.subarray(0, total * row), [1, total, heads, dim])];
    }
    const gather = (source: Float32Array) => {
      const out = new Float32Array(batch * total * row);
      for (let b = 0; b < batch; b++) out.set(source.subarray(b * this.maxLength * row, (b * this.maxLength + total) * row), b * total * row);
      return new Tensor(out, [batch, total, heads, dim]);
    };
    return [gather(keys), gather(values)];
  }

  /** Key mask over the first `total` slots, [B, total], or undefined when every slot is valid. */
  keyMask(total: number): Uint8Array | undefined {
    const mask = new Uint8Array(this.batch * total);
    let allValid = true;
    for (let b = 0; b < this.batch; b++) {
      for (let s = 0; s < total; s++) {
        const valid = this.keyValid[b * this.maxLength + s];
        mask[b * total + s] = valid;
        if (!valid) allValid = false;
      }
    }
    return allValid ? undefined : mask;
  }

  /** Marks the slots of this step's tokens (paddingMask [B, T], 1 = real). */
  markSlots(paddingMask: Uint8Array, tokens: number): void {
    for (let b = 0; b < this.batch; b++) {
      for (let t = 0; t < tokens; t++) this.keyValid[b * this.maxLength + this.length + t] = paddingMask[b * tokens + t];
    }
  }
}
