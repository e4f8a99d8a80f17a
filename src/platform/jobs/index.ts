/** @module platform/jobs — the job queue's handlers, runner and worker loop (the queue itself is in the store). */
export { getJobHandler, loadJobModules, registerJobHandler, registeredJobKinds, type JobContext, type JobHandler } from './registry.ts';
export { runJob, type RunJobOutcome } from './run-job.ts';
export { Worker, WORKER_DEFAULTS, type WorkerOptions } from './worker.ts';
