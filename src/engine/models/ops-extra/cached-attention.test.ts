import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attention, noGrad, Random, Tensor } from '../../tensor/index.ts';
import { KvCache } from '../kv-cache.ts';
import { cachedAttention, decodeAttention } from './cached-attention.ts';
import { loadGemvAddon } from './gemv-native.ts';

// Shapes: Hq 6 query heads over Hkv 2 kv heads (G 3), head dim D 12; three slots filled to different lengths.
const [Hq, Hkv, D] = [6, 2, 12];
const kvDim = Hkv * D;

/** A cache whose slots 0..2 hold `lengths[slot]` random keys/values, written by prefill passes in 1-3 token pieces. */
function filledCache(random: Random, lengths: number[], initial: number): { cache: KvCache; keys: Float32Array[]; values: Float32Array[] } {
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

test('a decode step against the cache equals the engine attention over each row\'s own keys (GQA, rows of different lengths, window)', () => {
  const { addon, reason } = loadGemvAddon();
  const random = new Random(7);
  const lengths = [5, 17, 1];
  for (const window of [undefined, 4]) {
    const { cache, keys, values } = filledCache(random, lengths, 4); // starts at 4 tokens per slot: grows while filling
    assert.ok(cache.maxLength >= 18);
    const order = [2, 0, 1]; // batch rows use slots in another order
    const q = random.fillNormal(new Float32Array(order.length * Hq * D)) as Float32Array;
    const k = random.fillNormal(new Float32Array(order.length * kvDim)) as Float32Array;
    const v = random.fillNormal(new Float32Array(order.length * kvDim)) as Float32Array;
    cache.bind(order);
    cache.reserve(order.length, 1);
    const out = noGrad(() => cachedAttention(new Tensor(q, [3, 1, Hq, D]), new Tensor(k, [3, 1, Hkv, D]), new Tensor(v, [3, 1, Hkv, D]), cache, 0, window)).values;
    const js = decodeAttention(q, cache, 0, Hq, Hkv, D, window);
    order.forEach((slot, b) => {
      const S = lengths[slot] + 1;
      const rowKeys = new Float32Array(S * kvDim);
      rowKeys.set(keys[slot]);
      rowKeys.set(k.subarray(b * kvDim, (b + 1) * kvDim), lengths[slot] * kvDim);
      const rowValues = new Float32Array(S * kvDim);
      rowValues.set(values[slot]);
      rowValues.set(v.subarray(b * kvDim, (b + 1) * kvDim), lengths[slot] * kvDim);
      const expected = attention(new Tensor(q.slice(b * Hq * D, (b + 1) * Hq * D), [1, 1, Hq, D]), new Tensor(rowKeys, [1, S, Hkv, D]), new Tensor(rowValues, [1, S, Hkv, D]), { causal: true, offset: S - 1, window }).values;
      for (let i = 0; i < Hq * D; i++) {
        assert.ok(Math.abs(out[b * Hq * D + i] - expected[i]) < 1e-5, `${addon ? 'native' : `js (${reason})`} window=${window} row ${b} i=${i}`);
        assert.ok(Math.abs(js[b * Hq * D + i] - expected[i]) < 1e-5, `js window=${window} row ${b} i=${i}`);
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
