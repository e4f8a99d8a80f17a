import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../random.ts';
import { embedding } from './embedding.ts';
import { assertClose, assertGradients, randomParameter } from '../test-helpers.ts';
import { fromBf16, tensor } from '../create.ts';
import { sum } from './reduce.ts';
import { f32ArrayToBf16 } from '../../backend/bf16.ts';

test('embedding backward scatter-adds repeated ids (finite differences)', () => {
  const random = new Random(17);
  const weight = randomParameter(random, [5, 3]);
  const ids = new Int32Array([4, 0, 4, 2, 4, 1]);
  assertGradients((w) => embedding(w, ids, [2, 3]), [weight]);
  assert.deepEqual(embedding(weight, ids, [2, 3]).shape, [2, 3, 3]);
});

test('embedding gathers rows, from float and bf16 tables', () => {
  const table = tensor([0, 1, 10, 11, 20, 21], [3, 2]);
  assert.deepEqual(embedding(table, new Int32Array([2, 0])).toArray(), [20, 21, 0, 1]);
  const bf16 = fromBf16(f32ArrayToBf16(table.values as Float32Array), [3, 2]);
  assert.deepEqual(embedding(bf16, new Int32Array([1, 1])).toArray(), [10, 11, 10, 11]);
  assert.throws(() => embedding(table, new Int32Array([3])), /outside the vocabulary/);
  const weight = randomParameter(new Random(1), [3, 2]);
  sum(embedding(weight, new Int32Array([1, 1]))).backward();
  assertClose(weight.grad!.values, [0, 0, 2, 2, 0, 0]);
});
