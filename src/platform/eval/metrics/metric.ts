/**
 * @module platform/eval/metrics/metric
 * A metric scores each (row, output) pair into a small per-row record, then aggregates a list of those
 * records into one number. Keeping the per-row records is what lets the bootstrap resample rows and
 * recompute any metric (including non-averaging ones such as macro-F1) on each resample.
 */
import type { EvalRow } from '../eval-row.ts';

export interface Metric<RowScore = unknown> {
  /** Stable name used as a column in tables and as a key in stored results. */
  name: string;
  score(row: EvalRow, output: string, index: number): RowScore;
  aggregate(scores: RowScore[]): number;
}

/** Mean of per-row numbers; the aggregate of every metric that is an average over rows. */
export function mean(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Erases the per-row type so metrics of different kinds can live in one list. */
export function anyMetric<RowScore>(metric: Metric<RowScore>): Metric<unknown> {
  return metric as Metric<unknown>;
}
