/**
 * @module engine/models/kv-cache
 * Keys and values of past tokens, one slot per sequence. Each layer holds [slots, capacity, Hkv·D] and each
 * slot its own length, so sequences of different lengths decode together without padding, a finished
 * sequence's slot is reused by the next one (continuous batching), and decode attention reads keys straight
 * from the slot instead of a per-step copy. A forward pass names the slot of each of its batch rows
 * (`bind`); by default row b uses slot b. With `grow`, capacity doubles on demand (one copy, amortised)
 * instead of preallocating the whole context for every slot.
 */
import { SlingError } from '../../core/errors.ts';
import { Tensor } from '../tensor/index.ts';

export interface KvCacheOptions {
  /** Grow past maxLength's first allocation instead of failing (up to `limit` tokens per slot). */
  grow?: boolean;
  /** Most tokens per slot when growing (the model's context length). */
  limit?: number;
}

export class KvCache {
  /** Filled positions of each slot. */
  readonly lengths: Int32Array;
  /** Slot of each batch row of the next forward pass. */
  rows: Int32Array;
  private capacity: number;
  private keys: Float32Array[];
  private values: Float32Array[];

  constructor(
    readonly numLayers: number,
    readonly slots: number,
    maxLength: number,
    /** Hkv · D. */
    readonly kvDim: number,
    private readonly options: KvCacheOptions = {},
  ) {
    this.capacity = maxLength;
    this.lengths = new Int32Array(slots);
    this.rows = Int32Array.from({ length: slots }, (_, slot) => slot);
    this.keys = Array.from({ length: numLayers }, () => new Float32Array(slots * maxLength * kvDim));
    this.values = Array.from({ length: numLayers }, () => new Float32Array(slots * maxLength * kvDim));
  }

  /** Length of slot 0: the whole story for single-sequence callers. */
  get length(): number {
    return this.lengths[0];
  }

  /** Tokens each slot can hold before growing. */
  get maxLength(): number {
    return this.capacity;
  }

  /** Sets the slot of each batch row for the following forward passes. */
  bind(slots: ArrayLike<number>): void {
    this.rows = Int32Array.from(slots);
    for (const slot of this.rows) {
      if (!(slot >= 0 && slot < this.slots)) throw new SlingError('kv_cache_slot', `slot ${slot} is outside this cache's ${this.slots} slots`);
    }
    if (new Set(this.rows).size !== this.rows.length) throw new SlingError('kv_cache_slot', 'two batch rows share one KV-cache slot');
  }

  /** Empties a slot for a new sequence. */
  clear(slot: number): void {
    this.lengths[slot] = 0;
  }

  /** Checks (or, with grow, makes) room for `tokens` more in every bound slot; call before a forward pass. */
  reserve(batch: number, tokens: number): void {
    if (batch !== this.rows.length) {
      throw new SlingError('kv_cache_slot', `the forward pass has ${batch} rows but the cache is bound to ${this.rows.length} slots`, { hint: 'call kvCache.bind(slots) with one slot per row' });
    }
    let needed = 0;
    for (const slot of this.rows) needed = Math.max(needed, this.lengths[slot] + tokens);
    if (needed <= this.capacity) return;
    const limit = this.options.limit ?? Infinity;
    if (!this.options.grow || needed > limit) {
      throw new SlingError('kv_cache_full', `the KV cache holds ${Math.min(this.options.grow ? limit : this.capacity, limit)} tokens per sequence; ${needed} needed`, {
        hint: 'create the cache with a larger maxLength (prompt + max new tokens)',
      });
    }
    this.resize(Math.min(limit, Math.max(needed, 2 * this.capacity)));
  }

  /** Writes this pass's k, v ([B, T, Hkv·D]) after each row's slot length (lengths advance in `advance`). */
  write(layer: number, k: Float32Array, v: Float32Array, tokens: number): void {
    const row = this.kvDim;
    for (let b = 0; b < this.rows.length; b++) {
      const slot = this.rows[b];
      const at = (slot * this.capacity + this.lengths[slot]) * row;
      this.keys[layer].set(k.subarray(b * tokens * row, (b + 1) * tokens * row), at);
      this.values[layer].set(v.subarray(b * tokens * row, (b + 1) * tokens * row), at);
    }
  }

  /** Keys and values of one slot's first `total` positions as [1, total, Hkv, D] views (no copy). */
  view(layer: number, slot: number, total: number, heads: number): [Tensor, Tensor] {
    const start = slot * this.capacity * this.kvDim;
    const end = start + total * this.kvDim;
    const shape = [1, total, heads, this.kvDim / heads];
    return [new Tensor(this.keys[layer].subarray(start, end), shape), new Tensor(this.values[layer].subarray(start, end), shape)];
  }

  /** Raw storage of one layer for decode kernels: element (slot, position, j) is at (slot·capacity + position)·kvDim + j. */
  storage(layer: number): { keys: Float32Array; values: Float32Array; capacity: number } {
    return { keys: this.keys[layer], values: this.values[layer], capacity: this.capacity };
  }

  /** After a forward pass: every bound slot holds `tokens` more. */
  advance(tokens: number): void {
    for (const slot of this.rows) this.lengths[slot] += tokens;
  }

  private resize(capacity: number): void {
    const row = this.kvDim;
    const move = (old: Float32Array) => {
      const fresh = new Float32Array(this.slots * capacity * row);
      for (let slot = 0; slot < this.slots; slot++) {
        fresh.set(old.subarray(slot * this.capacity * row, (slot * this.capacity + this.lengths[slot]) * row), slot * capacity * row);
      }
      return fresh;
    };
    this.keys = this.keys.map(move);
    this.values = this.values.map(move);
    this.capacity = capacity;
  }
}
