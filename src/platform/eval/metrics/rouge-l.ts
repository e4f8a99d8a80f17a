/**
 * @module platform/eval/metrics/rouge-l
 * ROUGE-L (Lin 2004): F-measure of the longest common subsequence of tokens between output and reference.
 * Tokenization follows Google's rouge-score defaults: lowercase, split on anything not [a-z0-9]. No stemming.
 */
import { referenceOf } from '../eval-row.ts';
import { mean, type Metric } from './metric.ts';

export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((token) => token !== '');
}

/** Length of the longest common subsequence, O(n·m) time and O(m) memory. */
export function lcsLength(left: readonly string[], right: readonly string[]): number {
  let previous = new Array<number>(right.length + 1).fill(0);
  let current = new Array<number>(right.length + 1).fill(0);
  for (let i = 1; i <= left.length; i++) {
    for (let j = 1; j <= right.length; j++) {
      current[j] = left[i - 1] === right[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    }
    [previous, current] = [current, previous];
  }
  return previous[right.length];
}

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

export function rougeL(output: string, reference: string): RougeScore {
  const candidate = rougeTokens(output);
  const target = rougeTokens(reference);
  if (candidate.length === 0 || target.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const common = lcsLength(candidate, target);
  const precision = common / candidate.length;
  const recall = common / target.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

export function rougeLMetric(): Metric<number> {
  return { name: 'rouge_l', score: (row, output) => rougeL(output, referenceOf(row)).f1, aggregate: mean };
}
