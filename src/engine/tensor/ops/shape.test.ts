import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../random.ts';
import { concat, permute, reshape, slice, split, transpose } from './shape.ts';
import { mul } from './elementwise.ts';
import { assertGradients, randomParameter } from '../test-helpers.ts';
import { tensor } from '../create.ts';

test('shape ops backward match finite differences', () => {
  const random = new Random(6);
  const x = randomParameter(random, [2, 3, 5]);
  const factor = randomParameter(random, [5, 6]);
  assertGradients((t) => mul(reshape(t, [5, -1]), factor), [x]);
  assertGradients((t) => permute(t, [2, 0, 1]), [x]);
  assertGradients((t) => transpose(t, 0, 2), [x]);
  assertGradients((t) => slice(t, 1, 1, 3), [x]);
  assertGradients((t) => slice(t, 2, 4, 5), [x]);
  const y = randomParameter(random, [2, 1, 5]);
  assertGradients((a, b) => concat([a, b, a], 1), [x, y]);
  assertGradients((t) => mul(split(t, [2, 3], 2)[1], 2), [x]);
});

test('shape op values', () => {
  const x = tensor([0, 1, 2, 3, 4, 5], [2, 3]);
  assert.deepEqual(transpose(x).toArray(), [0, 3, 1, 4, 2, 5]);
  assert.deepEqual(transpose(x).shape, [3, 2]);
  assert.equal(reshape(x, [3, 2]).data, x.data, 'reshape is a view');
  assert.deepEqual(slice(x, 1, 1, 3).toArray(), [1, 2, 4, 5]);
  assert.deepEqual(concat([x, x], 0).shape, [4, 3]);
  assert.deepEqual(split(x, 3, 1).map((t) => t.toArray()), [[0, 3], [1, 4], [2, 5]]);
  assert.throws(() => reshape(x, [4, 2]), /cannot reshape/);
});
