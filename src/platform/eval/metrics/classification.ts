/**
 * @module platform/eval/metrics/classification
 * Accuracy, macro-F1 and the confusion matrix for label tasks. The reference label is `row.label` when
 * present, else the reference answer parsed against the label set. An unparseable output counts as
 * wrong (a false negative for the true class) and appears in the confusion matrix as `(none)`.
 */
import { referenceOf, type EvalRow } from '../eval-row.ts';
import { mean, type Metric } from './metric.ts';
import { parseLabel } from './label-parse.ts';

export const NO_LABEL = '(none)';

export interface LabelPair {
  reference: string;
  predicted: string;
  ambiguous: boolean;
}

export function referenceLabel(row: EvalRow, labels: readonly string[]): string {
  if (row.label !== undefined) return row.label;
  return parseLabel(referenceOf(row), labels).label ?? NO_LABEL;
}

export function labelPair(row: EvalRow, output: string, labels: readonly string[]): LabelPair {
  const parsed = parseLabel(output, labels);
  return { reference: referenceLabel(row, labels), predicted: parsed.label ?? NO_LABEL, ambiguous: parsed.ambiguous };
}

export function accuracyMetric(labels: readonly string[]): Metric<LabelPair> {
  return {
    name: 'accuracy',
    score: (row, output) => labelPair(row, output, labels),
    aggregate: (pairs) => mean(pairs.map((pair) => (pair.reference === pair.predicted ? 1 : 0))),
  };
}

/** Unweighted mean of per-class F1 over the given labels (a class with no support and no predictions is skipped). */
export function macroF1(pairs: readonly LabelPair[], labels: readonly string[]): number {
  const scores: number[] = [];
  for (const label of labels) {
    let truePositive = 0;
    let falsePositive = 0;
    let falseNegative = 0;
    for (const pair of pairs) {
      if (pair.predicted === label && pair.reference === label) truePositive++;
      else if (pair.predicted === label) falsePositive++;
      else if (pair.reference === label) falseNegative++;
    }
    if (truePositive + falsePositive + falseNegative === 0) continue;
    scores.push((2 * truePositive) / (2 * truePositive + falsePositive + falseNegative));
  }
  return mean(scores);
}

export function macroF1Metric(labels: readonly string[]): Metric<LabelPair> {
  return {
    name: 'macro_f1',
    score: (row, output) => labelPair(row, output, labels),
    aggregate: (pairs) => macroF1(pairs, labels),
  };
}

export interface ConfusionMatrix {
  /** Row = reference label, column = predicted label; the last column is `(none)`. */
  labels: string[];
  predictedLabels: string[];
  counts: number[][];
}

export function confusionMatrix(pairs: readonly LabelPair[], labels: readonly string[]): ConfusionMatrix {
  const predictedLabels = [...labels, NO_LABEL];
  const counts = labels.map(() => predictedLabels.map(() => 0));
  for (const pair of pairs) {
    const row = labels.indexOf(pair.reference);
    if (row < 0) continue;
    counts[row][predictedLabels.indexOf(pair.predicted)]++;
  }
  return { labels: [...labels], predictedLabels, counts };
}
