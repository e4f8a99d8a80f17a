/**
 * @module platform/fleet/fleet-worker
 * `sling worker` on PostgreSQL: the ordinary job worker (claim through the store, heartbeats, kill -9 recovery by
 * re-queueing stale jobs, resume from the job folder) woken by pg-boss messages, with a slow poll as a safety net
 * (a job whose message was lost, or one re-queued after its worker died). It first runs what is already queued,
 * then listens; pg-boss keeps messages sent meanwhile, so none is missed. Every store error — PostgreSQL
 * restarting, say — is logged and retried after a pause rather than ending the process, so workers ride out an
 * outage and carry on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { registeredJobKinds } from '../jobs/registry.ts';
import { Worker, type WorkerOptions } from '../jobs/worker.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { JobBus } from './job-bus.ts';

export interface FleetWorkerOptions extends WorkerOptions {
  databaseUrl: string;
  /** Safety-net poll (default 2 s). */
  pollIntervalMs?: number;
  /** Return after this many jobs (`sling worker --once`: 1); default: run until the signal. */
  maxJobs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export async function runFleetWorker(workspace: Workspace, options: FleetWorkerOptions): Promise<number> {
  const log = options.log ?? (() => {});
  const kinds = options.kinds ?? registeredJobKinds();
  const maxJobs = options.maxJobs ?? Infinity;
  const worker = new Worker(workspace, { ...options, kinds });
  // Ends the loop: the caller's signal, or `maxJobs` reached (which may happen in a drain a message started).
  const finished = new AbortController();
  const ended = options.signal ? AbortSignal.any([options.signal, finished.signal]) : finished.signal;
  let done = 0;
  let draining: Promise<void> | null = null;
  // Runs jobs until none is queued; messages and the poll share it, so one process runs one job at a time.
  const drain = () =>
    (draining ??= (async () => {
      try {
        while (!ended.aborted) {
          const ran = await worker.runOnce();
          if (!ran) return;
          if (ran.outcome !== 'released') done += 1;
          if (done >= maxJobs) finished.abort();
        }
      } catch (error) {
        log(`store error (will retry): ${(error as Error).message}`);
        await sleep(1000);
      } finally {
        draining = null;
      }
    })());

  let bus: JobBus | null = null;
  const connect = async () => {
    try {
      bus = await JobBus.open(options.databaseUrl, { onError: (error) => log(`pg-boss: ${error.message}`) });
      await bus.listen(kinds, () => drain());
      log(`worker ${worker.id} listening for ${kinds.join(', ')} through pg-boss`);
    } catch (error) {
      await (bus as JobBus | null)?.close();
      bus = null;
      log(`pg-boss unavailable (will retry): ${(error as Error).message}`);
    }
  };
  const onAbort = () => worker.stop();
  options.signal?.addEventListener('abort', onAbort);
  try {
    await drain();
    while (!ended.aborted) {
      if (!bus) await connect();
      await sleep(options.pollIntervalMs ?? 2000, undefined, { signal: ended }).catch(() => undefined);
      await drain();
    }
    await draining;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await (bus as JobBus | null)?.close();
  }
  return done;
}
