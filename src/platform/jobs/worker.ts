/**
 * @module platform/jobs/worker
 * The worker loop: re-queue jobs whose worker went silent, claim the oldest queued job we have a handler for,
 * run it, repeat. Several workers (threads, processes, machines on PostgreSQL) can share one store: claiming is
 * atomic in the store. A worker killed mid-job (even with kill -9) leaves the job 'running' with an old
 * heartbeat; the next worker's poll puts it back in the queue and its handler resumes from the checkpoint dir.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../store/records.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { getJobHandler, registeredJobKinds } from './registry.ts';
import { runJob, type RunJobOutcome } from './run-job.ts';

export interface WorkerOptions {
  workerId?: string;
  /** Job kinds to take (default: every registered kind). */
  kinds?: string[];
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** A running job whose heartbeat is older than this is presumed abandoned. Keep it well above the interval. */
  staleAfterMs?: number;
  onJob?(job: Job, outcome: RunJobOutcome): void;
}

export const WORKER_DEFAULTS = { pollIntervalMs: 1000, heartbeatIntervalMs: 5000, staleAfterMs: 60_000 };

export class Worker {
  readonly id: string;
  private readonly shutdown = new AbortController();
  private readonly options: Required<Omit<WorkerOptions, 'workerId' | 'kinds' | 'onJob'>> & WorkerOptions;

  constructor(
    private readonly workspace: Workspace,
    options: WorkerOptions = {},
  ) {
    this.options = { ...WORKER_DEFAULTS, ...options };
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  private kinds(): string[] {
    return this.options.kinds ?? registeredJobKinds();
  }

  /** One poll: re-queue stale jobs, claim one, run it. Resolves to what happened, or null if nothing was queued. */
  async runOnce(): Promise<{ job: Job; outcome: RunJobOutcome } | null> {
    const { store } = this.workspace;
    await store.jobs.requeueStale(this.options.staleAfterMs);
    const job = await store.jobs.claim(this.id, this.kinds());
    if (!job) return null;
    const handler = getJobHandler(job.kind);
    if (!handler) {
      await store.jobs.finish(job.id, this.id, { status: 'failed', error: `no handler for job kind "${job.kind}"` });
      return { job, outcome: 'failed' };
    }
    const outcome = await runJob(this.workspace, job, handler, {
      workerId: this.id,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      shutdown: this.shutdown.signal,
    });
    this.options.onJob?.(job, outcome);
    return { job, outcome };
  }

  /** Polls until `stop()` (or, with `maxJobs`, until that many jobs have run). Returns how many jobs it finished. */
  async run(maxJobs = Infinity): Promise<number> {
    let done = 0;
    while (!this.shutdown.signal.aborted && done < maxJobs) {
      const ran = await this.runOnce();
      if (ran && ran.outcome !== 'released') done += 1;
      else await sleep(this.options.pollIntervalMs, undefined, { signal: this.shutdown.signal }).catch(() => undefined);
    }
    return done;
  }

  /** Stops polling; a running job is aborted and handed back to the queue. */
  stop(): void {
    this.shutdown.abort();
  }
}
