import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../random.ts';
import { max, mean, sum } from './reduce.ts';
import { logSoftmax, softmax } from './softmax.ts';
import { assertGradients, randomParameter } from '../test-helpers.ts';
import { tensor } from '../create.ts';

test('sum and mean over axes match finite differences', () => {
  const random = new Random(3);
  const x = randomParameter(random, [3, 1, 5, 2]);
  for (const axes of [undefined, 0, 1, 2, -1, [0, 2], [1, 3]] as const) {
    for (const keep of [false, true]) {
      assertGradients((t) => sum(t, axes, keep), [x]);
      assertGradients((t) => mean(t, axes, keep), [x]);
    }
  }
});

test('max routes the gradient to the maximum', () => {
  const random = new Random(4);
  const x = randomParameter(random, [3, 7, 2]);
  for (const axis of [undefined, 0, 1, 2]) assertGradients((t) => max(t, axis), [x]);
  assert.deepEqual(max(tensor([1, 5, 3, 2, 0, 4], [2, 3]), 1).toArray(), [5, 4]);
  assert.deepEqual(max(tensor([1, 5, 3, 2, 0, 4], [2, 3]), 0, true).shape, [1, 3]);
});

test('sum values and shapes', () => {
  const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.deepEqual(sum(x).toArray(), [21]);
  assert.deepEqual(sum(x, 0).toArray(), [5, 7, 9]);
  assert.deepEqual(sum(x, 1, true).shape, [2, 1]);
  assert.deepEqual(mean(x, -1).toArray(), [2, 5]);
});

test('softmax and logSoftmax backward match finite differences on every axis', () => {
  const random = new Random(5);
  const x = randomParameter(random, [2, 5, 3], 3);
  for (const axis of [0, 1, -1]) {
    assertGradients((t) => softmax(t, axis), [x]);
    assertGradients((t) => logSoftmax(t, axis), [x]);
  }
});

test('softmax is stable for large logits', () => {
  const y = softmax(tensor([1000, 1001, 1002])).toArray();
  const e = [Math.exp(-2), Math.exp(-1), 1];
  const total = e[0] + e[1] + e[2];
  y.forEach((v, i) => assert.ok(Math.abs(v - e[i] / total) < 1e-6));
  assert.ok(Math.abs(logSoftmax(tensor([1000, 0])).toArray()[1] + 1000) < 1e-3);
});
