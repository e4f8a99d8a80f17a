/**
 * @module platform/jobs/run-job
 * Runs one claimed job: builds the handler's context, heartbeats while it runs, and records the outcome.
 * The heartbeat doubles as the cancellation check: when the store says the job is no longer ours and running
 * (cancelled by a user, or re-queued because we were presumed dead), the handler's signal is aborted.
 */
import { mkdir } from 'node:fs/promises';
import type { Job } from '../store/records.ts';
import type { Workspace } from '../workspace/workspace.ts';
import type { JobContext, JobHandler } from './registry.ts';

export interface RunJobOptions {
  workerId: string;
  heartbeatIntervalMs: number;
  /** Aborted when the worker shuts down: the job goes back to the queue instead of failing. */
  shutdown?: AbortSignal;
}

export type RunJobOutcome = 'succeeded' | 'failed' | 'cancelled' | 'released' | 'lost';

export async function runJob(workspace: Workspace, job: Job, handler: JobHandler, options: RunJobOptions): Promise<RunJobOutcome> {
  const { store } = workspace;
  const controller = new AbortController();
  let stopReason: 'cancelled' | 'lost' | 'shutdown' | undefined;
  const stop = (reason: typeof stopReason) => {
    if (stopReason) return;
    stopReason = reason;
    controller.abort(new Error(`job ${job.id} stopped: ${reason}`));
  };
  const onShutdown = () => stop('shutdown');
  options.shutdown?.addEventListener('abort', onShutdown);
  const heartbeat = setInterval(() => {
    store.jobs
      .heartbeat(job.id, options.workerId)
      .then((status) => {
        if (status === 'cancelled') stop('cancelled');
        else if (status !== 'running') stop('lost');
      })
      .catch(() => undefined); // a missed beat is harmless; the next one retries
  }, options.heartbeatIntervalMs);

  const checkpointDir = workspace.checkpointDir(job.id);
  await mkdir(checkpointDir, { recursive: true });
  const context: JobContext = {
    job,
    payload: job.payload,
    log: (line) => store.jobs.appendLog(job.id, line),
    progress: (progress) => store.jobs.setProgress(job.id, progress),
    metric: (step, name, value) => store.jobs.recordMetric(job.id, step, name, value),
    checkpointDir,
    signal: controller.signal,
    store,
    workspace,
  };
  try {
    await store.jobs.appendLog(job.id, `attempt ${job.attempts} started by ${options.workerId}`);
    const result = await handler(context);
    if (stopReason) return settleStopped(workspace, job, options.workerId, stopReason);
    await store.jobs.finish(job.id, options.workerId, { status: 'succeeded', result: result ?? {} });
    return 'succeeded';
  } catch (error) {
    if (stopReason) return settleStopped(workspace, job, options.workerId, stopReason);
    const message = error instanceof Error ? error.message : String(error);
    await store.jobs.appendLog(job.id, `failed: ${message}`).catch(() => undefined);
    await store.jobs.finish(job.id, options.workerId, { status: 'failed', error: message });
    return 'failed';
  } finally {
    clearInterval(heartbeat);
    options.shutdown?.removeEventListener('abort', onShutdown);
  }
}

async function settleStopped(workspace: Workspace, job: Job, workerId: string, reason: 'cancelled' | 'lost' | 'shutdown'): Promise<RunJobOutcome> {
  if (reason === 'shutdown') {
    await workspace.store.jobs.release(job.id, workerId);
    await workspace.store.jobs.appendLog(job.id, `worker ${workerId} shut down; job re-queued`);
    return 'released';
  }
  return reason;
}
