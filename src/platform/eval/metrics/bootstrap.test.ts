import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapInterval } from './bootstrap.ts';
import { mean } from './metric.ts';
import { percentile } from './percentile.ts';

test('percentiles match numpy.percentile (linear interpolation)', () => {
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.ok(Math.abs(percentile([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 95) - 9.55) < 1e-12);
  assert.equal(percentile([5], 95), 5);
});

test('bootstrap interval of a proportion agrees with the normal approximation', () => {
  // 280 ones out of 400: p = 0.7, standard error sqrt(p(1-p)/n) = 0.02291, 95% half-width 0.0449.
  const scores = Array.from({ length: 400 }, (_, i) => (i % 10 < 7 ? 1 : 0));
  const interval = bootstrapInterval(scores, mean, { resamples: 2000, seed: 7 });
  assert.equal(interval.value, 0.7);
  const halfWidth = 1.959964 * Math.sqrt((0.7 * 0.3) / 400);
  assert.ok(Math.abs(interval.low - (0.7 - halfWidth)) < 0.006, `low ${interval.low}`);
  assert.ok(Math.abs(interval.high - (0.7 + halfWidth)) < 0.006, `high ${interval.high}`);
});

test('bootstrap is deterministic for a seed and degenerate data gives a zero-width interval', () => {
  const scores = [0.1, 0.5, 0.9, 0.3, 0.7];
  assert.deepEqual(bootstrapInterval(scores, mean, { seed: 3 }), bootstrapInterval(scores, mean, { seed: 3 }));
  assert.deepEqual(bootstrapInterval([1, 1, 1], mean), { value: 1, low: 1, high: 1 });
});
