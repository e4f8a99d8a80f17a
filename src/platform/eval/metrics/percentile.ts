/**
 * @module platform/eval/metrics/percentile
 * Quantiles by linear interpolation between closest ranks (NumPy's default "linear" method), so p50/p95
 * latencies match what `numpy.percentile` reports for the same numbers.
 */

/** `sorted` must be ascending; `fraction` in [0, 1]. */
export function quantile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * fraction;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export function percentile(values: readonly number[], percent: number): number {
  return quantile([...values].sort((a, b) => a - b), percent / 100);
}
