/**
 * @module platform/eval/metrics/bootstrap
 * Percentile bootstrap confidence intervals (Efron): resample rows with replacement, recompute the metric
 * on each resample, take the (1-c)/2 and (1+c)/2 quantiles. Seeded, so the same inputs give the same
 * interval. Works for any metric because it re-runs the metric's own aggregate on the resampled rows.
 */
import { seededRandom, randomInt } from '../random.ts';
import { quantile } from './percentile.ts';

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  confidence?: number;
}

export function bootstrapInterval<Score>(
  scores: readonly Score[],
  aggregate: (scores: Score[]) => number,
  options: BootstrapOptions = {},
): Interval {
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const value = aggregate([...scores]);
  if (scores.length === 0) return { value, low: Number.NaN, high: Number.NaN };
  const random = seededRandom(options.seed ?? 0);
  const estimates: number[] = [];
  const sample = new Array<Score>(scores.length);
  for (let round = 0; round < resamples; round++) {
    for (let i = 0; i < scores.length; i++) sample[i] = scores[randomInt(random, scores.length)];
    const estimate = aggregate(sample);
    if (!Number.isNaN(estimate)) estimates.push(estimate);
  }
  estimates.sort((a, b) => a - b);
  return { value, low: quantile(estimates, (1 - confidence) / 2), high: quantile(estimates, (1 + confidence) / 2) };
}
