import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../random.ts';
import { dropout } from './dropout.ts';
import { assertGradients, randomParameter } from '../test-helpers.ts';
import { ones } from '../create.ts';

test('dropout backward matches finite differences for a fixed mask', () => {
  const x = randomParameter(new Random(24), [3, 7]);
  // a fresh generator per call gives the same mask every time, as finite differences need
  assertGradients((t) => dropout(t, 0.3, new Random(5)), [x]);
});

test('dropout keeps about 1−p of the elements, scales them by 1/(1−p), and is the identity in eval', () => {
  const x = ones([10000]);
  const y = dropout(x, 0.25, new Random(6)).toArray();
  const kept = y.filter((v) => v !== 0);
  assert.ok(Math.abs(kept.length / 10000 - 0.75) < 0.02);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6));
  assert.deepEqual(dropout(x, 0.25, new Random(6)).toArray(), y);
  assert.equal(dropout(x, 0.25, new Random(6), false), x);
  assert.throws(() => dropout(x, 1, new Random(6)), /probability/);
});
