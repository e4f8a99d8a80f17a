/**
 * @module platform/sweeps
 * Hyperparameter sweeps: search spaces over recipe keys, grid/random/TPE samplers, ASHA early stopping, trials as
 * `sweep-trial` jobs any worker runs, a controller that keeps the trials going, and the ranked/HTML reports.
 * Importing this module registers the `sweep-trial` job handler (and, through training, `train` and `export`).
 */
import { getJobHandler, registerJobHandler } from '../jobs/registry.ts';
import '../training/index.ts';
import { sweepTrialJob, type SweepTrialPayload } from './trial-job.ts';

if (!getJobHandler('sweep-trial')) registerJobHandler<SweepTrialPayload>('sweep-trial', sweepTrialJob);

export { parseSweepConfig, readSweepFile, type SweepConfig } from './sweep-config.ts';
export { SweepRepository, type Sweep, type Trial, type TrialStatus } from './sweep-repository.ts';
export { runSweep, type RunSweepOptions, type SweepOutcome } from './sweep-runner.ts';
export { rankTrials } from './ranking.ts';
export { sweepHtmlReport } from './sweep-report.ts';
export { trialModelName } from './trial-job.ts';
export { sweepTrialJob, type SweepTrialPayload };
