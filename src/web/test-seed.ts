/**
 * @module web/test-seed
 * Test helper: fills a workspace with what the dashboard shows — a dataset with two versions (real Financial
 * PhraseBank sentences when ../shared/data is present); an evaluation made by `sling eval`'s own pipeline
 * (runStoredEvaluation) over the served models through the OpenAI-compatible client, judged head to head by the
 * classical reference-overlap judge; tagged requests for the log filters; one training run; and two sweeps. The
 * run's loss values are a labelled fixture (a decaying curve): training jobs are tested elsewhere, and this test is
 * about drawing stored metrics. The sweeps are fixtures too, written through SweepRepository and the jobs table
 * with no training: each trial's validation curve decays to a chosen final loss, ASHA's own rule (asha.ts) decides
 * which trials are pruned at the rungs, and the times are spread over the past hour as two trials at a time would be.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { arraySource, importRows } from '../platform/data/index.ts';
import { createOpenAiChatModel } from '../platform/eval/clients/openai-chat-model.ts';
import { referenceOverlapJudge } from '../platform/eval/judge/reference-overlap-judge.ts';
import { runStoredEvaluation } from '../platform/eval/persist/stored-evaluation.ts';
import { loadDatasetRows } from '../platform/eval/persist/stored-rows.ts';
import type { Store } from '../platform/store/store.ts';
import { continuesAtRung, rungOf } from '../platform/sweeps/asha.ts';
import { rankTrials } from '../platform/sweeps/ranking.ts';
import { createSampler } from '../platform/sweeps/samplers.ts';
import type { TrialParameters } from '../platform/sweeps/search-space.ts';
import type { SweepConfig } from '../platform/sweeps/sweep-config.ts';
import { SweepRepository, type Trial } from '../platform/sweeps/sweep-repository.ts';

const phrasebank = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'financial_phrasebank', 'sentences_allagree.jsonl');

function sentences(count: number): { text: string; label: string }[] {
  if (existsSync(phrasebank)) {
    return readFileSync(phrasebank, 'utf8').trim().split('\n').slice(0, count).map((line) => JSON.parse(line) as { text: string; label: string });
  }
  const labels = ['positive', 'negative', 'neutral'];
  return Array.from({ length: count }, (_, index) => ({ text: `Quarterly sales changed by ${index} percent.`, label: labels[index % 3] }));
}

export interface SeededDashboard {
  evaluationId: number;
  runId: number;
  evaluationRows: number;
  sweeps: SeededSweeps;
}

export async function seedDashboard(store: Store, client: OpenAI, models: string[]): Promise<SeededDashboard> {
  const rows = sentences(60).map(({ text, label }) => ({ messages: [{ role: 'user', content: text }, { role: 'assistant', content: label }], label, metadata: { source: 'financial_phrasebank' } }));
  await importRows(store, arraySource(rows.slice(0, 40), 'fpb-first-40'), { name: 'fpb-sample', sourceName: 'fpb-first-40', description: 'Financial PhraseBank sentences' });
  await importRows(store, arraySource(rows, 'fpb-first-60'), { name: 'fpb-sample', sourceName: 'fpb-first-60' });

  // The eval clients read the key from an environment variable, as `sling eval` does.
  process.env.SLING_DASHBOARD_TEST_KEY = client.apiKey ?? "";
  const chatModels = models.map((model) => createOpenAiChatModel({ baseUrl: client.baseURL, model, apiKeyEnv: 'SLING_DASHBOARD_TEST_KEY', kind: model.includes(':') ? 'adapter' : 'local' }));
  const data = await loadDatasetRows(store, 'fpb-sample', 'test');
  const { evaluationId } = await runStoredEvaluation(store, data, chatModels, { name: 'fpb smoke', judge: referenceOverlapJudge(), headToHead: true, maxTokens: 6, seed: 1 });
  for (let index = 0; index < 4; index++) {
    await client.chat.completions.create({ model: models[index % models.length], messages: [rows[index].messages[0] as { role: 'user'; content: string }], max_tokens: 4 }, { headers: { 'x-sling-tags': `seed=logs,row=${index}` } });
  }
  // One refused request, so the error filter has something to show.
  await client.chat.completions.create({ model: models[0], messages: [{ role: 'user', content: 'hi' }], temperature: 9 }, { headers: { 'x-sling-tags': 'seed=logs' } }).catch(() => undefined);

  const job = await store.jobs.enqueue({ kind: 'train', payload: { name: 'ui-fixture', model: 'tiny-random', data: 'fpb-sample', note: 'fixture metrics for the dashboard test' } });
  await store.jobs.claim('test-worker', ['train']);
  for (let step = 1; step <= 40; step++) {
    await store.jobs.recordMetric(job.id, step, 'train_loss', 2.5 * Math.exp(-step / 15) + 0.4);
    if (step % 10 === 0) await store.jobs.recordMetric(job.id, step, 'validation_loss', 2.6 * Math.exp(-step / 18) + 0.5);
  }
  await store.jobs.appendLog(job.id, 'step 40/40 loss 0.62');
  await store.jobs.finish(job.id, 'test-worker', { status: 'succeeded', result: {} });
  return { evaluationId, runId: job.id, evaluationRows: data.rows.length, sweeps: await seedSweeps(store) };
}

// *** sweeps ***

const MINUTE = 60_000;

export interface SeededSweeps {
  /** The finished TPE sweep, with its trials in rank order. */
  finished: { id: number; ranked: { number: number; status: Trial['status']; objective: number | null }[] };
  /** The running grid sweep: 2 trials done, 1 running, 6 grid points. */
  running: { id: number };
}

/** A trial's validation loss at `step`: from 2.6 down towards its final value. */
const validationLoss = (final: number, step: number) => final + (2.6 - final) * Math.exp(-step / 8);

async function setTimes(store: Store, table: 'sweeps' | 'sweep_trials' | 'jobs', id: number, createdAt: number, finishedAt: number | null, startedAt?: number): Promise<void> {
  const started = table === 'sweeps' ? '' : ', started_at = ?';
  await store.runner.run(`UPDATE ${table} SET created_at = ?, finished_at = ?${started} WHERE id = ?`, table === 'sweeps' ? [createdAt, finishedAt, id] : [createdAt, finishedAt, startedAt ?? createdAt, id]);
}

async function trialJob(store: Store, sweepId: number, trial: Trial): Promise<number> {
  const job = await store.jobs.enqueue({ kind: 'sweep-trial', payload: { sweepId, trialId: trial.id } });
  await store.jobs.claim('test-worker', ['sweep-trial']);
  await new SweepRepository(store).setTrialJob(trial.id, job.id);
  return job.id;
}

async function seedSweeps(store: Store): Promise<SeededSweeps> {
  const sweeps = new SweepRepository(store);
  const base = { model: 'tiny-random', data: { train: 'fpb-sample' }, max_steps: 24, eval_interval: 4, note: 'fixture: no trial was trained' };
  const config: SweepConfig = {
    name: 'lr-rank-targets', baseRecipe: base, algorithm: 'tpe', gridPoints: 3, seed: 0, maxTrials: 10, concurrency: 2, timeBudgetSeconds: null,
    space: {
      'optimizer.learning_rate': { kind: 'loguniform', low: 1e-5, high: 1e-2 },
      'lora.r': { kind: 'choice', values: [2, 4, 8, 16] },
      'lora.target_modules': { kind: 'choice', values: [['q_proj', 'v_proj'], 'all-linear'] },
      'schedule.warmup_ratio': { kind: 'uniform', low: 0, high: 0.1 },
    },
    objective: { metric: 'validation_loss', goal: 'minimize' },
    earlyStopping: { kind: 'asha', minSteps: 4, reductionFactor: 2 },
  };
  // [learning rate, r, target modules, warmup, final validation loss (null: the loss went NaN at step 3)]
  const plan: [number, number, string[] | string, number, number | null][] = [
    [3.2e-4, 8, ['q_proj', 'v_proj'], 0.05, 1.08], [1.5e-5, 4, 'all-linear', 0.02, 1.91], [2.1e-3, 16, 'all-linear', 0.08, 0.87],
    [6.0e-5, 2, ['q_proj', 'v_proj'], 0.01, 1.64], [8.9e-3, 16, ['q_proj', 'v_proj'], 0.07, null], [1.2e-3, 8, 'all-linear', 0.06, 0.79],
    [1.8e-3, 4, 'all-linear', 0.04, 0.84], [9.5e-4, 16, 'all-linear', 0.09, 0.81], [4.0e-5, 4, ['q_proj', 'v_proj'], 0.03, 1.36], [1.5e-3, 8, ['q_proj', 'v_proj'], 0.05, 0.76],
  ];
  const sweep = await sweeps.create(config);
  const start = Date.now() - 60 * MINUTE;
  const slots = [start, start]; // two trials at a time: each starts when a slot frees
  for (const [number, [learningRate, r, targets, warmup, final]] of plan.entries()) {
    const trial = await sweeps.addTrial(sweep.id, number, { 'optimizer.learning_rate': learningRate, 'lora.r': r, 'lora.target_modules': targets, 'schedule.warmup_ratio': warmup });
    const jobId = await trialJob(store, sweep.id, trial);
    let steps = 0;
    let prunedAt: { step: number; rung: number; value: number } | null = null;
    let lastRung = -1;
    for (let step = 1; step <= 24 && final !== null && !prunedAt; step++) {
      steps = step;
      await store.jobs.recordMetric(jobId, step, 'train_loss', validationLoss(final, step) - 0.15);
      if (step % 4 !== 0) continue;
      const value = validationLoss(final, step);
      await store.jobs.recordMetric(jobId, step, 'validation_loss', value);
      // As the trial job does: the first report at or past a rung is recorded and judged against the rung's values.
      const rung = rungOf(step, config.earlyStopping!);
      if (rung <= lastRung) continue;
      lastRung = rung;
      await sweeps.recordRung(sweep.id, trial.id, rung, step, value);
      if (!continuesAtRung(value, await sweeps.rungValues(sweep.id, rung), config.earlyStopping!.reductionFactor)) prunedAt = { step, rung, value };
    }
    if (final === null) {
      steps = 3;
      await store.jobs.appendLog(jobId, 'step 3: loss is NaN (learning rate 8.9e-3 is too high for this model?)');
      await store.jobs.finish(jobId, 'test-worker', { status: 'failed', error: 'training diverged: loss is NaN at step 3' });
      await sweeps.finishTrial(trial.id, { status: 'failed', result: { error: 'training diverged: loss is NaN at step 3' } });
    } else {
      const result = { steps, finalValidationLoss: validationLoss(final, steps), bestValidationLoss: validationLoss(final, steps), stopReason: prunedAt ? 'aborted' : 'max_steps' };
      await store.jobs.finish(jobId, 'test-worker', { status: 'succeeded', result });
      await sweeps.finishTrial(trial.id, prunedAt ? { status: 'pruned', result: { ...result, prunedAt } } : { status: 'succeeded', objective: result.finalValidationLoss, result });
    }
    const slot = slots[0] <= slots[1] ? 0 : 1;
    const [began, ended] = [slots[slot], slots[slot] + MINUTE + steps * 12_000];
    slots[slot] = ended;
    await setTimes(store, 'sweep_trials', trial.id, began, ended);
    await setTimes(store, 'jobs', jobId, began, ended);
  }
  const trials = await sweeps.trials(sweep.id);
  const ranked = rankTrials(trials, 'minimize');
  const count = (status: Trial['status']) => trials.filter((trial) => trial.status === status).length;
  await sweeps.finish(sweep.id, 'succeeded', ranked[0].id, { stopReason: 'completed', trials: trials.length, succeeded: count('succeeded'), pruned: count('pruned'), failed: count('failed'), stopped: 0 });
  await setTimes(store, 'sweeps', sweep.id, start, Math.max(...slots));

  // A grid sweep still running: 2 of its 6 points done, the third training.
  const gridConfig: SweepConfig = {
    ...config, name: 'grid-rank-lr', algorithm: 'grid', maxTrials: 12, concurrency: 1, earlyStopping: null,
    space: { 'lora.r': { kind: 'choice', values: [4, 8] }, 'optimizer.learning_rate': { kind: 'loguniform', low: 1e-4, high: 1e-3 } },
    objective: { metric: 'accuracy', goal: 'maximize', dataset: 'fpb-sample', limit: 20 },
  };
  const grid = await sweeps.create(gridConfig);
  const sampler = createSampler('grid', gridConfig.space, 0, gridConfig.gridPoints);
  const gridStart = Date.now() - 20 * MINUTE;
  for (const [number, accuracy] of [0.55, 0.65, null].entries()) {
    const trial = await sweeps.addTrial(grid.id, number, sampler.propose(number, []) as TrialParameters);
    const jobId = await trialJob(store, grid.id, trial);
    const began = gridStart + number * 8 * MINUTE;
    if (accuracy === null) {
      await sweeps.markTrialRunning(trial.id);
      await setTimes(store, 'sweep_trials', trial.id, began, null);
      continue;
    }
    await store.jobs.finish(jobId, 'test-worker', { status: 'succeeded', result: { steps: 24 } });
    await sweeps.finishTrial(trial.id, { status: 'succeeded', objective: accuracy, result: { steps: 24 } });
    await setTimes(store, 'sweep_trials', trial.id, began, began + 7 * MINUTE);
    await setTimes(store, 'jobs', jobId, began, began + 7 * MINUTE);
  }
  await setTimes(store, 'sweeps', grid.id, gridStart, null);
  return { finished: { id: sweep.id, ranked: ranked.map(({ number, status, objective }) => ({ number, status, objective })) }, running: { id: grid.id } };
}
