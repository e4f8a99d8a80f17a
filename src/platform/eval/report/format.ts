/**
 * @module platform/eval/report/format
 * Number formatting shared by the text table and the HTML report, so both show the same digits.
 */
import type { Interval } from '../metrics/bootstrap.ts';
import type { CostSummary } from '../metrics/cost.ts';

export function formatInterval(interval: Interval | undefined): string {
  if (!interval || Number.isNaN(interval.value)) return '—';
  if (Number.isNaN(interval.low)) return interval.value.toFixed(3);
  return `${interval.value.toFixed(3)} [${interval.low.toFixed(3)}, ${interval.high.toFixed(3)}]`;
}

export function formatDollars(cost: CostSummary): string {
  if (cost.basis === 'none' || Number.isNaN(cost.totalDollars)) return 'n/a';
  const dollars = cost.totalDollars;
  const text = dollars === 0 ? '$0' : dollars < 0.01 ? `$${dollars.toExponential(1)}` : `$${dollars.toFixed(2)}`;
  return cost.basis === 'compute' ? `${text} (cpu)` : text;
}

export function formatMilliseconds(value: number): string {
  if (Number.isNaN(value)) return '—';
  if (value < 1) return `${value.toFixed(2)}ms`;
  if (value < 1000) return `${value.toFixed(0)}ms`;
  return `${(value / 1000).toFixed(2)}s`;
}

export function formatCount(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)}k` : String(value);
}
