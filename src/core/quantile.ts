/**
 * @module core/quantile
 * Quantiles by linear interpolation between closest ranks (NumPy's default "linear" method), so medians and
 * p95s match what `numpy.percentile` reports for the same numbers.
 */

/** `sorted` must be ascending; `fraction` in [0, 1]. NaN for no values. */
export function quantile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * fraction;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
