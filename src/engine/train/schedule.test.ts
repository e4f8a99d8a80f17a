import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learningRateAt, warmupStepsFor } from './schedule.ts';

const base = { peak: 1e-3, warmupSteps: 10, totalSteps: 110 };

test('warm-up rises linearly from 0 to the peak', () => {
  assert.equal(learningRateAt(0, { ...base, kind: 'cosine' }), 0);
  assert.ok(Math.abs(learningRateAt(5, { ...base, kind: 'cosine' }) - 5e-4) < 1e-15);
  assert.equal(learningRateAt(10, { ...base, kind: 'cosine' }), 1e-3);
});

test('constant, linear and cosine after warm-up (Hugging Face shapes)', () => {
  assert.equal(learningRateAt(80, { ...base, kind: 'constant' }), 1e-3);
  assert.ok(Math.abs(learningRateAt(60, { ...base, kind: 'linear' }) - 5e-4) < 1e-15);
  assert.ok(Math.abs(learningRateAt(60, { ...base, kind: 'cosine' }) - 5e-4) < 1e-15);
  // a quarter into the decay: 0.5 (1 + cos(pi/4))
  assert.ok(Math.abs(learningRateAt(35, { ...base, kind: 'cosine' }) - 1e-3 * 0.5 * (1 + Math.SQRT1_2)) < 1e-15);
  assert.equal(learningRateAt(110, { ...base, kind: 'linear' }), 0);
  assert.ok(learningRateAt(110, { ...base, kind: 'cosine' }) < 1e-18);
});

test('warm-up steps from a ratio round up', () => {
  assert.equal(warmupStepsFor(100, 0.03), 3);
  assert.equal(warmupStepsFor(10, 0.03), 1);
  assert.equal(warmupStepsFor(10, 0), 0);
});
