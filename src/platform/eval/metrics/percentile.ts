/**
 * @module platform/eval/metrics/percentile
 * Latency percentiles, NumPy-style (see core/quantile.ts).
 */
import { quantile } from '../../../core/quantile.ts';

export { quantile };

export function percentile(values: readonly number[], percent: number): number {
  return quantile([...values].sort((a, b) => a - b), percent / 100);
}
