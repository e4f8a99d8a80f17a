/**
 * @module platform/eval/metrics/exact-match
 * Exact match of the output against the reference, after trimming and collapsing whitespace (models often
 * add a trailing newline; that should not count as a different answer).
 */
import { referenceOf } from '../eval-row.ts';
import { mean, type Metric } from './metric.ts';

export function normalizeWhitespace(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

export function exactMatchMetric(): Metric<number> {
  return {
    name: 'exact_match',
    score: (row, output) => (normalizeWhitespace(output) === normalizeWhitespace(referenceOf(row)) ? 1 : 0),
    aggregate: mean,
  };
}
