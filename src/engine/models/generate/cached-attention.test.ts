import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNativeAddon } from '../../backend/native-addon.ts';
import { nativeRows } from '../../backend/native-rows.ts';
import { attention, noGrad, Random, Tensor } from '../../tensor/index.ts';
import { KvCache } from '../kv-cache.ts';
import { cachedAttention, decodeAttention } from './cached-attention.ts';

// Shapes: Hq 6 query heads over Hkv 2 kv heads (G 3), head dim D 12 (or 40: whole AVX-512 vectors and a tail);
// slots filled to different lengths.
const [Hq, Hkv] = [6, 2];

/** A cache whose slots hold `lengths[slot]` random keys/values, written by prefill passes in 1-3 token pieces. */
function filledCache(random: Random, lengths: number[], initial: number, kvDim = Hkv * 12): { cache: KvCache; keys: Float32Array[]; values: Float32Array[] } {
  const cache = new KvCache(1, lengths.length, initial, kvDim, { grow: true, limit: 512 });
  const keys = lengths.map((length) => random.fillNormal(new Float32Array(length * kvDim)) as Float32Array);
  const values = lengths.map((length) => random.fillNormal(new Float32Array(length * kvDim)) as Float32Array);
  lengths.forEach((length, slot) => {
    for (let start = 0; start < length; start += 3) {
      const tokens = Math.min(3, length - start);
      cache.bind([slot]);
      cache.reserve(1, tokens);
      cache.write(0, keys[slot].subarray(start * kvDim, (start + tokens) * kvDim), values[slot].subarray(start * kvDim, (start + tokens) * kvDim), tokens);
      cache.advance(tokens);
    }
  });
  return { cache, keys, values };
}

// The native decode kernel runs its products on the GEMM family's few-row path and its softmax on the row
// kernels: every family this CPU runs, and the portable row kernels (none off the native backend).
const native = nativeRows();
const addon = native ? loadNativeAddon().addon : undefined;
const info = addon?.info();
const gemmFamilies = !info ? [] : [
  ...(info.amx === 'active' ? ['amx' as const] : []), ...(info.avx512bf16 ? ['avx512bf16' as const] : []),
  ...(info.avx512 ? ['avx512' as const] : []), ...(info.avx2 ? ['avx2' as const] : []), 'portable' as const,
];

test('a decode step against the cache equals the engine attention over each row\'s own keys (GQA, rows of different lengths, window)', () => {
  const random = new Random(7);
  const lengths = [5, 17, 1, 70];
  const cases: [number, number | undefined][] = [[12, undefined], [12, 4], [40, undefined], [40, 19]];
  for (const [D, window] of cases) {
    const kvDim = Hkv * D;
    const { cache, keys, values } = filledCache(random, lengths, 4, kvDim); // starts at 4 tokens per slot: grows while filling
    assert.ok(cache.maxLength >= 71);
    const order = [2, 0, 3, 1]; // batch rows use slots in another order
    const B = order.length;
    const q = random.fillNormal(new Float32Array(order.length * Hq * D)) as Float32Array;
    const k = random.fillNormal(new Float32Array(order.length * kvDim)) as Float32Array;
    const v = random.fillNormal(new Float32Array(order.length * kvDim)) as Float32Array;
    cache.bind(order);
    cache.reserve(order.length, 1);
    const step = () => noGrad(() => cachedAttention(new Tensor(q, [B, 1, Hq, D]), new Tensor(k, [B, 1, Hkv, D]), new Tensor(v, [B, 1, Hkv, D]), cache, 0, window)).values;
    // cachedAttention writes this step's k, v after each slot's length (the same place every call)
    const outputs: [string, ArrayLike<number>][] = [[native ? 'cachedAttention' : 'cachedAttention (typescript)', step()]];
    for (const isa of gemmFamilies) {
      addon!.configure({ isa });
      try {
        outputs.push([`native, ${isa} GEMM`, step()]);
      } finally {
        addon!.configure({ isa: 'best' });
      }
    }
    if (native) {
      native.rowsConfigure({ isa: 'portable' });
      try {
        outputs.push(['native, portable row kernels', step()]);
      } finally {
        native.rowsConfigure({ isa: 'best' });
      }
    }
    outputs.push(['typescript', decodeAttention(q, cache, 0, Hq, Hkv, D, window)]);
    order.forEach((slot, b) => {
      const S = lengths[slot] + 1;
      const rowKeys = new Float32Array(S * kvDim);
      rowKeys.set(keys[slot]);
      rowKeys.set(k.subarray(b * kvDim, (b + 1) * kvDim), lengths[slot] * kvDim);
      const rowValues = new Float32Array(S * kvDim);
      rowValues.set(values[slot]);
      rowValues.set(v.subarray(b * kvDim, (b + 1) * kvDim), lengths[slot] * kvDim);
      const expected = attention(new Tensor(q.slice(b * Hq * D, (b + 1) * Hq * D), [1, 1, Hq, D]), new Tensor(rowKeys, [1, S, Hkv, D]), new Tensor(rowValues, [1, S, Hkv, D]), { causal: true, offset: S - 1, window }).values;
      for (const [name, out] of outputs) {
        for (let i = 0; i < Hq * D; i++) assert.ok(Math.abs(out[b * Hq * D + i] - expected[i]) < 1e-5, `${name} window=${window} row ${b} i=${i}`);
      }
    });
  }
});

test('the cache grows up to its limit, keeps what slots hold, and reports a full slot clearly', () => {
  const random = new Random(8);
  const { cache, keys } = filledCache(random, [3, 9], 2);
  const [slot1] = cache.view(0, 1, 9, Hkv);
  assert.deepEqual(slot1.values, keys[1]);
  assert.deepEqual(cache.view(0, 0, 3, Hkv)[0].values, keys[0]);
  cache.bind([0]);
  assert.throws(() => cache.reserve(1, 600), (error: Error & { code?: string }) => error.code === 'kv_cache_full');
  assert.throws(() => cache.bind([0, 0]), /share one KV-cache slot/);
  assert.throws(() => cache.bind([5]), /outside this cache/);
  cache.clear(1);
  assert.equal(cache.lengths[1], 0);
});

test('the native decode kernel refuses slots, lengths or arrays that do not fit the cache', { skip: native ? false : 'native backend not selected' }, () => {
  const [D, capacity, slots] = [8, 4, 2];
  const storage = new Float32Array(slots * capacity * Hkv * D);
  const q = new Float32Array(Hq * D);
  const call = (rows: number[], lengths: number[], out = new Float32Array(Hq * D), keys = storage) =>
    native!.decodeAttention(q, keys, storage, out, Int32Array.from(rows), Int32Array.from(lengths), capacity, Hq, Hkv, D, 0);
  call([1], [0, 3]);
  assert.throws(() => call([2], [0, 3]), /outside the cache/);
  assert.throws(() => call([0], [4, 0]), /outside the cache/); // no room for this step's key
  assert.throws(() => call([0], [-1, 0]), /outside the cache/);
  assert.throws(() => call([1], [0, 3], new Float32Array(Hq * D - 1)), /too short/);
  assert.throws(() => call([1], [0, 3], undefined, storage.subarray(1)), /outside the cache/);
});
