/**
 * @module platform/eval/run/task
 * Which metrics fit a dataset. Label tasks (rows carry `label`, or few distinct short answers) get accuracy,
 * macro-F1 and a confusion matrix; extraction tasks (every reference is a JSON object) get JSON validity
 * and field P/R/F1; anything else gets ROUGE-L. Exact match is always reported.
 */
import { anyMetric, type Metric } from '../metrics/metric.ts';
import { exactMatchMetric } from '../metrics/exact-match.ts';
import { accuracyMetric, macroF1Metric } from '../metrics/classification.ts';
import { fieldF1Metric, fieldPrecisionMetric, fieldRecallMetric, jsonValidMetric, parseJsonAnswer } from '../metrics/json-fields.ts';
import { rougeLMetric } from '../metrics/rouge-l.ts';
import { referenceOf, type EvalRow } from '../eval-row.ts';

export type TaskKind = 'classification' | 'extraction' | 'generation';

export interface TaskSpec {
  kind: TaskKind;
  /** The label set, for classification. */
  labels?: string[];
}

export function detectTask(rows: readonly EvalRow[]): TaskSpec {
  const references = rows.map((row, index) => (row.label ?? referenceOf(row, index)).trim());
  if (rows.length > 0 && rows.every((row) => row.label !== undefined && row.label !== null)) {
    return { kind: 'classification', labels: [...new Set(references)].sort() };
  }
  const isObject = (text: string) => {
    const parsed = parseJsonAnswer(text);
    return parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value);
  };
  if (rows.length > 0 && references.every((reference) => reference.startsWith('{') && isObject(reference))) return { kind: 'extraction' };
  const distinct = new Set(references);
  const short = references.every((reference) => reference.split(/\s+/).length <= 4);
  if (rows.length >= 10 && short && distinct.size <= Math.min(20, rows.length / 3)) {
    return { kind: 'classification', labels: [...distinct].sort() };
  }
  return { kind: 'generation' };
}

export function metricsFor(task: TaskSpec): Metric<unknown>[] {
  const metrics: Metric<unknown>[] = [];
  if (task.kind === 'classification') metrics.push(anyMetric(accuracyMetric(task.labels ?? [])), anyMetric(macroF1Metric(task.labels ?? [])));
  if (task.kind === 'extraction') {
    metrics.push(anyMetric(fieldF1Metric()), anyMetric(fieldPrecisionMetric()), anyMetric(fieldRecallMetric()), anyMetric(jsonValidMetric()));
  }
  if (task.kind === 'generation') metrics.push(anyMetric(rougeLMetric()));
  metrics.push(anyMetric(exactMatchMetric()));
  return metrics;
}
