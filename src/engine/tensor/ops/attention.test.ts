import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../random.ts';
import { attention, type AttentionOptions } from './attention.ts';
import { add, mul } from './elementwise.ts';
import { matmul } from './matmul.ts';
import { concat, permute, slice } from './shape.ts';
import { softmax } from './softmax.ts';
import { assertClose, assertGradients, randomParameter } from '../test-helpers.ts';
import { Tensor } from '../tensor.ts';

/** The spec, written independently of attention-mask.ts: may query t of batch row b see key s? */
function allowed(options: AttentionOptions, b: number, t: number, s: number, T: number, S: number): boolean {
  const position = (options.offset ?? 0) + t;
  if ((options.causal ?? true) && s > position) return false;
  if (options.keyLengths && s >= options.keyLengths[b]) return false;
  if (options.keyMask && !options.keyMask[b * S + s]) return false;
  if (options.window !== undefined && position - s >= options.window) return false;
  const keySegments = options.keySegmentIds ?? options.segmentIds;
  if (options.segmentIds && keySegments && options.segmentIds[b * T + t] !== keySegments[b * S + s]) return false;
  return true;
}

/** Attention composed from basic differentiable ops: repeat kv heads, matmul, additive mask, softmax, matmul. */
function naiveAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions): Tensor {
  const [B, T, Hq, D] = q.shape;
  const [, S, Hkv] = k.shape;
  const group = Hq / Hkv;
  const repeat = (x: Tensor): Tensor => {
    const heads = permute(x, [0, 2, 1, 3]);
    return concat(Array.from({ length: Hq }, (_, h) => slice(heads, 1, Math.floor(h / group), Math.floor(h / group) + 1)), 1);
  };
  const maskData = new Float64Array(B * T * S);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) {
    maskData[(b * T + t) * S + s] = allowed(options, b, t, s, T, S) ? 0 : -1e9;
  }
  const scores = mul(matmul(permute(q, [0, 2, 1, 3]), repeat(k), { transB: true }), options.scale ?? 1 / Math.sqrt(D));
  const probabilities = softmax(add(scores, new Tensor(maskData, [B, 1, T, S])));
  return permute(matmul(probabilities, repeat(v)), [0, 2, 1, 3]);
}

const cases: [string, number[], AttentionOptions][] = [
  // [name, [B, T, S, Hq, Hkv, D], options]
  ['causal MHA', [2, 5, 5, 2, 2, 3], {}],
  ['non-causal GQA', [1, 3, 4, 4, 2, 5], { causal: false }],
  ['causal GQA with key lengths', [2, 6, 6, 3, 1, 4], { keyLengths: new Int32Array([6, 3]) }],
  ['key mask (left padding)', [2, 4, 4, 2, 1, 2], { causal: false, keyMask: new Uint8Array([0, 1, 1, 1, 1, 1, 0, 1]) }],
  ['segments (packed)', [1, 7, 7, 2, 2, 3], { segmentIds: new Int32Array([0, 0, 0, 1, 1, 2, 2]) }],
  ['sliding window', [1, 7, 7, 2, 1, 3], { window: 3 }],
  ['kv-cache offset', [2, 2, 5, 2, 1, 3], { offset: 3 }],
  ['custom scale', [1, 1, 1, 1, 1, 1], { scale: 0.7 }],
];

for (const [name, [B, T, S, Hq, Hkv, D], options] of cases) {
  test(`attention (${name}) matches the naive composition, forward and backward`, () => {
    const random = new Random(20);
    const q = randomParameter(random, [B, T, Hq, D]);
    const k = randomParameter(random, [B, S, Hkv, D]);
    const v = randomParameter(random, [B, S, Hkv, D]);
    const fused = attention(q, k, v, options);
    const naive = naiveAttention(q, k, v, options);
    assertClose(fused.values, naive.values, 1e-12, 'output');
    const upstream = randomParameter(random, [B, T, Hq, D]).detach();
    fused.backward(upstream);
    const fusedGrads = [q, k, v].map((t) => t.grad!.values.slice());
    [q, k, v].forEach((t) => t.zeroGrad());
    naive.backward(upstream);
    [q, k, v].forEach((t, i) => assertClose(fusedGrads[i], t.grad!.values, 1e-11, `grad ${'qkv'[i]}`));
    assertGradients((a, b, c) => attention(a, b, c, options), [q, k, v]);
    // one (batch, kv head) block at a time gives the same result as all blocks in one chunk
    [q, k, v].forEach((t) => t.zeroGrad());
    const chunked = attention(q, k, v, { ...options, chunkScores: 1 });
    assertClose(chunked.values, fused.values, 1e-13, 'chunked output');
    chunked.backward(upstream);
    [q, k, v].forEach((t, i) => assertClose(t.grad!.values, fusedGrads[i], 1e-12, `chunked grad ${'qkv'[i]}`));
  });
}

test('generation with T = 1 against cached keys equals the last row of full causal attention', () => {
  const random = new Random(21);
  const [B, S, Hq, Hkv, D] = [2, 6, 4, 2, 3];
  const q = randomParameter(random, [B, S, Hq, D]).detach();
  const k = randomParameter(random, [B, S, Hkv, D]).detach();
  const v = randomParameter(random, [B, S, Hkv, D]).detach();
  const full = attention(q, k, v).values;
  const lastQuery = new Float64Array(B * Hq * D);
  for (let b = 0; b < B; b++) lastQuery.set(q.values.subarray((b * S + S - 1) * Hq * D, (b * S + S) * Hq * D), b * Hq * D);
  const step = attention(new Tensor(lastQuery, [B, 1, Hq, D]), k, v, { offset: S - 1 }).values;
  for (let b = 0; b < B; b++) {
    assertClose(step.subarray(b * Hq * D, (b + 1) * Hq * D), full.subarray((b * S + S - 1) * Hq * D, (b * S + S) * Hq * D), 1e-12);
  }
});

test('a query with no visible key gets a zero output and zero gradients', () => {
  const random = new Random(22);
  const q = randomParameter(random, [1, 2, 1, 2]);
  const k = randomParameter(random, [1, 2, 1, 2]);
  const v = randomParameter(random, [1, 2, 1, 2]);
  const out = attention(q, k, v, { causal: false, keyMask: new Uint8Array([0, 0]) });
  assert.ok(out.toArray().every((x) => x === 0));
  assert.throws(() => attention(q, k, v, { keyLengths: new Int32Array([1, 2]) }), /keyLengths/);
});
