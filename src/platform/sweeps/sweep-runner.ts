/**
 * @module platform/sweeps/sweep-runner
 * The sweep controller: keeps up to `concurrency` trial jobs (`sweep-trial`) queued or running, proposes each new
 * trial from the finished ones (so TPE learns as results arrive), stops at `max_trials`, when the sampler runs out,
 * or at the time budget (running trials are cancelled and marked stopped), then records the best trial and exports
 * its adapter with its config. It only talks to the store, so the trials can run in this process's workers or in
 * `sling worker` processes anywhere; re-running it with the sweep's id picks an interrupted sweep up again.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../store/records.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { bestTrial, observationsOf } from './ranking.ts';
import { isConnectionError, retrying } from './retrying.ts';
import { createSampler } from './samplers.ts';
import { applyParameters } from './search-space.ts';
import type { SweepConfig } from './sweep-config.ts';
import { FINAL_TRIAL_STATUSES, SweepRepository, type Sweep, type Trial } from './sweep-repository.ts';
import type { SweepTrialPayload } from './trial-job.ts';

export interface RunSweepOptions {
  /** Continue this sweep instead of creating a new one. */
  sweepId?: number;
  pollIntervalMs?: number;
  /** Attempts per trial job (a trial whose worker dies is retried from its checkpoint). */
  maxAttempts?: number;
  signal?: AbortSignal;
  onEvent?: (line: string) => void;
  /** Called after each trial job is stored: the fleet's pg-boss announcement on PostgreSQL. */
  announce?: (job: Job) => Promise<void>;
}

export interface SweepOutcome {
  sweep: Sweep;
  trials: Trial[];
  best: Trial | null;
  /** Folder with the best trial's adapter files and `sweep-best.json`, if there is a best trial. */
  exportDir: string | null;
}

export async function runSweep(workspace: Workspace, config: SweepConfig | null, options: RunSweepOptions = {}): Promise<SweepOutcome> {
  const { store } = workspace;
  const sweeps = new SweepRepository(store);
  const sweep = options.sweepId !== undefined ? await sweeps.require(options.sweepId) : await sweeps.create(config!);
  const settings = sweep.config;
  const sampler = createSampler(settings.algorithm, settings.space, settings.seed, settings.gridPoints);
  const limit = Math.min(settings.maxTrials, sampler.size);
  const deadline = settings.timeBudgetSeconds === null ? Infinity : sweep.createdAt + settings.timeBudgetSeconds * 1000;
  const say = options.onEvent ?? (() => {});
  const poll = options.pollIntervalMs ?? 500;
  let stopReason = 'completed' as 'completed' | 'time-budget' | 'interrupted';

  // Jobs of finished trials already seen ended (jobsStillRunning reads each until then).
  const jobsOver = new Set<number>();
  let failures = 0;
  for (;;) {
    let step: 'continue' | 'stop';
    try {
      step = await controlOnce();
      failures = 0;
    } catch (error) {
      // The database restarting is not the sweep's end: wait and look again (a real fault still ends it).
      if (!isConnectionError(error) || ++failures > 120) throw error;
      say(`store unavailable, retrying: ${(error as Error).message}`);
      step = 'continue';
    }
    if (step === 'stop') break;
    await sleep(poll, undefined, { signal: options.signal }).catch(() => undefined);
  }

  async function controlOnce(): Promise<'continue' | 'stop'> {
    const trials = await settleFinishedJobs(workspace, sweeps, await sweeps.trials(sweep.id), say);
    const active = trials.filter((trial) => !FINAL_TRIAL_STATUSES.includes(trial.status));
    if (options.signal?.aborted || Date.now() >= deadline) {
      stopReason = options.signal?.aborted ? 'interrupted' : 'time-budget';
      for (const trial of active) await stopTrial(workspace, sweeps, trial, stopReason);
      return 'stop';
    }
    let created = trials.length;
    let exhausted = created >= limit;
    const busy = active.length + (await jobsStillRunning(workspace, trials, jobsOver));
    for (let running = busy; running < settings.concurrency && !exhausted; running += 1) {
      const parameters = sampler.propose(created, observationsOf(trials, settings.objective.goal));
      if (!parameters) {
        exhausted = true;
        break;
      }
      const trial = await sweeps.addTrial(sweep.id, created, parameters);
      const job = await store.jobs.enqueue({ kind: 'sweep-trial', payload: { sweepId: sweep.id, trialId: trial.id } satisfies SweepTrialPayload as unknown as Record<string, number>, maxAttempts: options.maxAttempts ?? 3 });
      await sweeps.setTrialJob(trial.id, job.id);
      await options.announce?.(job);
      say(`trial ${created} queued as job ${job.id}: ${JSON.stringify(parameters)}`);
      created += 1;
      exhausted = created >= limit;
    }
    return active.length === 0 && created === trials.length && exhausted ? 'stop' : 'continue'; // stop: nothing running, nothing new to try
  }

  const trials = await retrying(() => sweeps.trials(sweep.id));
  const best = bestTrial(trials, settings.objective.goal);
  const exportDir = best ? exportBest(workspace, sweep, best) : null;
  const counts = Object.fromEntries(['succeeded', 'pruned', 'failed', 'stopped'].map((status) => [status, trials.filter((trial) => trial.status === status).length]));
  const summary = { stopReason, trials: trials.length, ...counts, best: best ? { number: best.number, objective: best.objective, parameters: best.parameters } : null, exportDir };
  await sweeps.finish(sweep.id, stopReason === 'interrupted' ? 'stopped' : best ? 'succeeded' : 'failed', best?.id ?? null, summary);
  say(best ? `best: trial ${best.number}, ${settings.objective.metric} ${best.objective}` : 'no trial finished');
  return { sweep: await sweeps.require(sweep.id), trials, best, exportDir };
}

/** Trials whose job ended without the handler writing a result (failed, cancelled, gave up) get one now. */
async function settleFinishedJobs(workspace: Workspace, sweeps: SweepRepository, trials: Trial[], say: (line: string) => void): Promise<Trial[]> {
  let changed = false;
  for (const trial of trials) {
    if (FINAL_TRIAL_STATUSES.includes(trial.status) || trial.jobId === null) continue;
    const job = await workspace.store.jobs.get(trial.jobId);
    if (!job || job.status === 'queued' || job.status === 'running') continue;
    const status = job.status === 'succeeded' ? 'failed' : job.status === 'cancelled' ? 'stopped' : 'failed';
    const reason = job.status === 'succeeded' ? 'the job finished without a trial result' : job.error ?? job.status;
    if (await sweeps.finishTrial(trial.id, { status, result: { error: reason } })) say(`trial ${trial.number} ${status}: ${reason}`);
    changed = true;
  }
  return changed ? sweeps.trials(trials[0].sweepId) : trials;
}

/**
 * Trials that have their result while their job is still queued or running: the handler writes the trial's result
 * just before its job ends (and a re-queued job runs again to find the result there). Counting them keeps the
 * concurrency limit true of jobs, not only of trials. `over` remembers jobs seen ended, so each is read until then.
 */
async function jobsStillRunning(workspace: Workspace, trials: Trial[], over: Set<number>): Promise<number> {
  let count = 0;
  for (const trial of trials) {
    if (!FINAL_TRIAL_STATUSES.includes(trial.status) || trial.jobId === null || over.has(trial.jobId)) continue;
    const job = await workspace.store.jobs.get(trial.jobId);
    if (job && (job.status === 'queued' || job.status === 'running')) count += 1;
    else over.add(trial.jobId);
  }
  return count;
}

async function stopTrial(workspace: Workspace, sweeps: SweepRepository, trial: Trial, reason: string): Promise<void> {
  if (trial.jobId !== null) await workspace.store.jobs.cancel(trial.jobId).catch(() => undefined); // already finished is fine
  await sweeps.finishTrial(trial.id, { status: 'stopped', result: { reason } });
}

function exportBest(workspace: Workspace, sweep: Sweep, best: Trial): string | null {
  const model = best.result?.model;
  const folder = join(workspace.root, 'sweeps', `sweep-${sweep.id}`, 'best');
  mkdirSync(folder, { recursive: true });
  const artifacts = (best.result?.artifacts ?? {}) as Record<string, string>;
  for (const [file, uri] of Object.entries(artifacts)) cpSync(workspace.artifacts.path(uri), join(folder, file));
  const recipe = applyParameters(sweep.config.baseRecipe, best.parameters);
  const description = { sweep: sweep.id, name: sweep.name, trial: best.number, model, objective: { ...sweep.config.objective, value: best.objective }, parameters: best.parameters, recipe };
  writeFileSync(join(folder, 'sweep-best.json'), JSON.stringify(description, null, 2) + '\n');
  return folder;
}

export type { SweepConfig };
