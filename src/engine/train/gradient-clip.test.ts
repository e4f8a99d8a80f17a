import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipGradients, globalGradientNorm } from './gradient-clip.ts';

test('global norm covers all gradients together and clipping scales to maxNorm', () => {
  const a = Float32Array.from([3, 0]);
  const b = Float32Array.from([0, 4]);
  assert.equal(globalGradientNorm([a, b]), 5);
  const norm = clipGradients([a, b], 1);
  assert.equal(norm, 5);
  assert.ok(Math.abs(globalGradientNorm([a, b]) - 1) < 1e-6);
  assert.ok(Math.abs(a[0] - 0.6) < 1e-6);
});

test('gradients under the limit are left alone', () => {
  const a = Float32Array.from([0.3, 0.4]);
  clipGradients([a], 1);
  assert.deepEqual(Array.from(a), [Math.fround(0.3), Math.fround(0.4)]);
});
