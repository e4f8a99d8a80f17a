/**
 * @module platform/eval/run/summarize
 * Turns one model's answers into its row of the comparison: every metric with a seeded bootstrap 95%
 * interval, latency p50/p95, token totals, cost, error count and (for label tasks) the confusion matrix.
 * Extra per-row scores (custom graders, criteria judges) are averaged and bootstrapped the same way.
 */
import { bootstrapInterval, type BootstrapOptions, type Interval } from '../metrics/bootstrap.ts';
import { confusionMatrix, type ConfusionMatrix, type LabelPair } from '../metrics/classification.ts';
import { costOf, type CostSummary } from '../metrics/cost.ts';
import { mean, type Metric } from '../metrics/metric.ts';
import { percentile } from '../metrics/percentile.ts';
import type { EvalRow } from '../eval-row.ts';
import type { ModelRun } from './run-models.ts';
import { metricsFor, type TaskSpec } from './task.ts';

export interface ExtraScores {
  name: string;
  scores: readonly number[];
}

export interface ModelSummary {
  model: string;
  kind: ModelRun['kind'];
  rows: number;
  errors: number;
  metrics: Record<string, Interval>;
  latencyMs: { p50: number; p95: number; mean: number };
  tokens: { input: number; output: number };
  cost: CostSummary;
  confusion?: ConfusionMatrix;
  /** Label answers that mentioned more than one label. */
  ambiguousAnswers?: number;
}

export interface SummarizeOptions {
  bootstrap?: BootstrapOptions;
  dollarsPerCpuHour?: number;
  extra?: readonly ExtraScores[];
  metrics?: Metric<unknown>[];
}

export function summarizeRun(run: ModelRun, rows: readonly EvalRow[], task: TaskSpec, options: SummarizeOptions = {}): ModelSummary {
  const bootstrap = { resamples: 1000, seed: 0, ...options.bootstrap };
  const metrics: Record<string, Interval> = {};
  let confusion: ConfusionMatrix | undefined;
  let ambiguousAnswers: number | undefined;
  for (const metric of options.metrics ?? metricsFor(task)) {
    const scores = rows.map((row, index) => metric.score(row, run.outputs[index], index));
    metrics[metric.name] = bootstrapInterval(scores, (sample) => metric.aggregate(sample), bootstrap);
    if (metric.name === 'accuracy' && task.labels) {
      const pairs = scores as LabelPair[];
      confusion = confusionMatrix(pairs, task.labels);
      ambiguousAnswers = pairs.filter((pair) => pair.ambiguous).length;
    }
  }
  for (const extra of options.extra ?? []) metrics[extra.name] = bootstrapInterval(extra.scores, mean, bootstrap);
  const answered = run.usage.filter((_, index) => run.errors[index] === null);
  const latencies = answered.map((record) => record.latencyMs);
  return {
    model: run.model,
    kind: run.kind,
    rows: rows.length,
    errors: run.errors.filter((error) => error !== null).length,
    metrics,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), mean: mean(latencies) },
    tokens: {
      input: run.usage.reduce((sum, record) => sum + record.inputTokens, 0),
      output: run.usage.reduce((sum, record) => sum + record.outputTokens, 0),
    },
    cost: costOf(run.usage, { kind: run.kind, pricing: run.pricing, dollarsPerCpuHour: options.dollarsPerCpuHour }),
    confusion,
    ambiguousAnswers,
  };
}
