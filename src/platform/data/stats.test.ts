import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from './stats.ts';

test('length summaries interpolate quantiles as numpy.percentile does', () => {
  assert.deepEqual(summarize([21, 14]), { min: 14, mean: 17.5, median: 17.5, p95: 20.65, max: 21 });
  // numpy.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], [50, 95]) = [5.5, 59.05]
  const summary = summarize([100, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  assert.equal(summary.median, 5.5);
  assert.ok(Math.abs(summary.p95 - 59.05) < 1e-12);
  assert.deepEqual(summarize([]), { min: 0, mean: 0, median: 0, p95: 0, max: 0 });
});
