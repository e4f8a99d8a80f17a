/**
 * @module platform/eval/persist/stored-comparison
 * `sling compare`: loads finished evaluations from the store and assembles one Comparison. Models from
 * several evaluations are listed together (named `model` or `model (eval N)` when a name repeats); the
 * win-rate matrix comes from an evaluation that judged head-to-head; loss curves come from the training
 * jobs that registered the compared models (their `train_loss` metric series).
 */
import { SlingError } from '../../../core/errors.ts';
import type { Store } from '../../store/store.ts';
import type { Comparison, ComparedModel, LossCurve } from '../report/comparison.ts';
import type { EvaluationSummaryJson } from './stored-evaluation.ts';

/** JSON has no NaN: stored intervals come back with nulls where a value was undefined. */
function revive<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, item) => (item === null ? Number.NaN : item)) as T;
}

export async function lossCurvesFor(store: Store, modelNames: readonly string[]): Promise<LossCurve[]> {
  const curves: LossCurve[] = [];
  const jobs = await store.jobs.list({ limit: 1000 });
  for (const name of modelNames) {
    const job = jobs.find((candidate) => candidate.status === 'succeeded' && candidate.result?.model === name);
    if (!job) continue;
    const points = (await store.jobs.metrics(job.id, 'train_loss')).map((metric) => ({ step: metric.step, value: metric.value }));
    if (points.length) curves.push({ name, points });
  }
  return curves;
}

export async function loadComparison(store: Store, evaluationIds: readonly number[], title?: string): Promise<Comparison & { modelNames: Record<string, string>[] }> {
  if (evaluationIds.length === 0) throw new SlingError('compare_nothing', 'name at least one evaluation to compare', { hint: 'e.g. `sling compare 3 4`' });
  const models: ComparedModel[] = [];
  let task: Comparison['task'] | undefined;
  let dataset: string | undefined;
  let winRate: Comparison['winRate'];
  const seen = new Set<string>();
  const modelNames: Record<string, string>[] = [];
  for (const id of evaluationIds) {
    const names: Record<string, string> = {};
    modelNames.push(names);
    const evaluation = await store.evaluations.require(id);
    if (evaluation.status !== 'succeeded' || !evaluation.summary || !Array.isArray(evaluation.summary.models)) {
      throw new SlingError('evaluation_not_finished', `evaluation ${id} is ${evaluation.status}, not finished`, { hint: 'compare only evaluations that succeeded (`sling eval` prints their ids)' });
    }
    const summary = evaluation.summary as unknown as EvaluationSummaryJson;
    if (dataset !== undefined && summary.dataset !== dataset) {
      throw new SlingError('compare_different_datasets', `evaluation ${id} is on ${summary.dataset}, the others on ${dataset}`, { hint: 'compare evaluations of the same dataset version' });
    }
    dataset = summary.dataset;
    task ??= summary.task;
    for (const model of revive(summary.models)) {
      const name = seen.has(model.model) ? `${model.model} (eval ${id})` : model.model;
      seen.add(model.model);
      names[model.model] = name;
      models.push({ ...model, model: name, evaluation: `eval ${id}` });
    }
    if (!winRate && summary.headToHead) winRate = { ...revive(summary.headToHead.matrix), judge: summary.headToHead.judge };
  }
  return {
    title: title ?? `Comparison of evaluation${evaluationIds.length > 1 ? 's' : ''} ${evaluationIds.join(', ')}`,
    task: task!,
    dataset,
    models,
    winRate,
    lossCurves: await lossCurvesFor(store, models.map((model) => model.model)),
    createdAt: new Date().toISOString(),
    modelNames,
  };
}
