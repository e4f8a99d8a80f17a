/**
 * @module platform/sweeps/trial-job
 * The `sweep-trial` job: payload `{ sweepId, trialId }`. Any worker can run it: the sweep's config (base recipe,
 * objective, early stopping) is read from the store. The trial trains through the `train` job handler in its
 * own job folder (so a re-queued trial resumes from its last checkpoint), with two hooks:
 *   - each validation loss is checked against the ASHA rungs; a trial that falls out of the best 1/η at a rung is
 *     stopped by aborting its signal (the training loop stops after the step, with a checkpoint) and marked pruned;
 *   - at the end the objective is taken from the run (validation loss) or measured with the eval module on the
 *     objective dataset's test split, then written to the trial once.
 */
import { SlingError } from '../../core/errors.ts';
import { executeEvalRequest } from '../eval/persist/eval-request.ts';
import type { JobContext } from '../jobs/registry.ts';
import type { JsonObject } from '../store/records.ts';
import { trainJob, type TrainJobPayload } from '../training/train-job.ts';
import { continuesAtRung, rungOf } from './asha.ts';
import { applyParameters } from './search-space.ts';
import { retrying } from './retrying.ts';
import { SweepRepository } from './sweep-repository.ts';

export interface SweepTrialPayload {
  sweepId: number;
  trialId: number;
}

export function trialModelName(sweepId: number, number: number): string {
  return `sweep-${sweepId}-trial-${number}`;
}

export async function sweepTrialJob(context: JobContext<SweepTrialPayload>): Promise<JsonObject> {
  const sweeps = new SweepRepository(context.store);
  const trial = await sweeps.getTrial(context.payload.trialId);
  if (!trial || trial.sweepId !== context.payload.sweepId) {
    throw new SlingError('sweep_trial_not_found', `no trial ${context.payload.trialId} in sweep ${context.payload.sweepId}`);
  }
  if (trial.status !== 'queued' && trial.status !== 'running') return { trial: trial.id, status: trial.status, note: 'already has a result' };
  const sweep = await sweeps.require(trial.sweepId);
  const { config } = sweep;
  await retrying(() => sweeps.markTrialRunning(trial.id));

  const pruning = new AbortController();
  let prunedAt: { step: number; rung: number; value: number } | null = null;
  const checkRung = async (step: number, value: number) => {
    const asha = config.earlyStopping;
    if (!asha || prunedAt) return;
    const rung = rungOf(step, asha);
    if (rung < 0) return;
    await retrying(() => sweeps.recordRung(sweep.id, trial.id, rung, step, value));
    const mine = (await retrying(() => sweeps.rungValue(trial.id, rung))) ?? value;
    if (!continuesAtRung(mine, await retrying(() => sweeps.rungValues(sweep.id, rung)), asha.reductionFactor)) {
      prunedAt = { step, rung, value: mine };
      await retrying(() => context.log(`pruned by ASHA at rung ${rung} (step ${step}): validation loss ${mine.toFixed(4)} is not in the best 1/${asha.reductionFactor}`));
      pruning.abort(new Error('pruned'));
    }
  };

  const name = trialModelName(sweep.id, trial.number);
  const recipe = applyParameters(config.baseRecipe, trial.parameters);
  delete recipe.out; // the trial trains in its own job folder
  const summary = (await trainJob({
    ...context,
    payload: { recipe, name } satisfies TrainJobPayload,
    signal: AbortSignal.any([context.signal, pruning.signal]),
    // Writes wait out a database restart instead of failing the trial (the loop keeps training meanwhile).
    log: (line) => retrying(() => context.log(line)),
    progress: (progress) => retrying(() => context.progress(progress)),
    metric: async (step, metricName, value) => {
      await retrying(() => context.metric(step, metricName, value));
      if (metricName === 'validation_loss') await checkRung(step, value);
    },
  } as JobContext<TrainJobPayload>)) as JsonObject & { stopReason: string; finalValidationLoss: number | null; bestValidationLoss: number | null; steps: number };

  // Shut down or cancelled: the job runner settles it (re-queued, or the sweep marks it stopped).
  if (context.signal.aborted) return summary;
  const base = { model: summary.model ?? null, artifacts: summary.artifacts ?? {}, steps: summary.steps, stopReason: summary.stopReason, finalValidationLoss: summary.finalValidationLoss, bestValidationLoss: summary.bestValidationLoss };
  if (prunedAt) {
    await retrying(() => sweeps.finishTrial(trial.id, { status: 'pruned', objective: null, result: { ...base, prunedAt } }));
    return { ...summary, pruned: prunedAt };
  }
  const objective = await measureObjective(context, config.objective, name, summary, sweep.id, trial.number);
  await retrying(() => sweeps.finishTrial(trial.id, { status: 'succeeded', objective: objective.value, result: { ...base, ...objective.details } }));
  return { ...summary, objective: objective.value };
}

async function measureObjective(
  context: JobContext<unknown>,
  objective: { metric: string; dataset?: string; limit?: number },
  modelName: string,
  summary: { finalValidationLoss: number | null; bestValidationLoss: number | null },
  sweepId: number,
  number: number,
): Promise<{ value: number; details: Record<string, unknown> }> {
  if (objective.metric === 'validation_loss' || objective.metric === 'best_validation_loss') {
    const value = objective.metric === 'validation_loss' ? summary.finalValidationLoss : summary.bestValidationLoss;
    if (value === null) throw new SlingError('sweep_no_validation', 'the trial has no validation loss to optimise', { field: 'objective.metric', hint: 'give the recipe validation data (data.validation or data.validation_fraction > 0)' });
    return { value, details: {} };
  }
  const evaluationId = await executeEvalRequest(context.store, { dataset: objective.dataset!, models: [modelName], limit: objective.limit, name: `sweep ${sweepId} trial ${number}` }, { signal: context.signal });
  const evaluation = await context.store.evaluations.require(evaluationId);
  const models = (evaluation.summary as { models?: { metrics: Record<string, { value: number }> }[] } | null)?.models ?? [];
  const metrics = models[0]?.metrics ?? {};
  const found = metrics[objective.metric];
  if (!found) {
    throw new SlingError('sweep_unknown_metric', `the evaluation has no metric "${objective.metric}"`, { field: 'objective.metric', hint: `available: ${Object.keys(metrics).join(', ') || 'none'}` });
  }
  return { value: found.value, details: { evaluationId, metrics: Object.fromEntries(Object.entries(metrics).map(([key, interval]) => [key, interval.value])) } };
}
