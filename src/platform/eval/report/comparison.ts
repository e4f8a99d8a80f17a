/**
 * @module platform/eval/report/comparison
 * What a comparison report shows: model summaries (possibly from several evaluations of the same dataset),
 * the head-to-head win-rate matrix, and the training loss curves of the runs behind the models. The text
 * table and the HTML report both render this one shape.
 */
import type { WinRateMatrix } from '../judge/head-to-head.ts';
import type { ModelSummary } from '../run/summarize.ts';
import type { TaskSpec } from '../run/task.ts';

export interface LossCurve {
  /** Run or model name shown in the legend. */
  name: string;
  points: { step: number; value: number }[];
}

export interface ComparedModel extends ModelSummary {
  /** Which evaluation the numbers come from, when several are compared. */
  evaluation?: string;
}

export interface Comparison {
  title: string;
  task: TaskSpec;
  dataset?: string;
  models: ComparedModel[];
  winRate?: WinRateMatrix & { judge: string };
  lossCurves: LossCurve[];
  createdAt: string;
}

/** Metric names in display order: those every model has first, in the first model's order. */
export function metricNames(models: readonly ComparedModel[]): string[] {
  const names: string[] = [];
  for (const model of models) for (const name of Object.keys(model.metrics)) if (!names.includes(name)) names.push(name);
  return names;
}
