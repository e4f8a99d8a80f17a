/**
 * @module platform/fleet/fleet-worker
 * One `sling worker` of a fleet on PostgreSQL: the ordinary job worker (claim through the store, heartbeats,
 * kill -9 recovery by re-queueing stale jobs, resume from the job folder) driven by pg-boss messages, with a slow
 * poll as a safety net (a job whose message was lost, or one re-queued after its worker died). Every store error —
 * PostgreSQL restarting, say — is logged and retried after a pause rather than ending the process, so workers ride
 * out an outage and carry on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, type WorkerOptions } from '../jobs/worker.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { FLEET_KINDS, JobBus } from './job-bus.ts';

export interface FleetWorkerOptions extends WorkerOptions {
  databaseUrl: string;
  /** Safety-net poll (default 2 s). */
  pollIntervalMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export async function runFleetWorker(workspace: Workspace, options: FleetWorkerOptions): Promise<number> {
  const log = options.log ?? (() => {});
  const kinds = options.kinds ?? FLEET_KINDS;
  const worker = new Worker(workspace, { ...options, kinds });
  let done = 0;
  let draining: Promise<void> | null = null;
  // Runs jobs until none is queued; messages and the poll share it, so one process runs one job at a time.
  const drain = () =>
    (draining ??= (async () => {
      try {
        for (;;) {
          if (options.signal?.aborted) return;
          const ran = await worker.runOnce();
          if (!ran) return;
          if (ran.outcome !== 'released') done += 1;
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
      log(`listening for ${kinds.join(', ')} through pg-boss`);
    } catch (error) {
      bus = null;
      log(`pg-boss unavailable (will retry): ${(error as Error).message}`);
    }
  };
  const onAbort = () => worker.stop();
  options.signal?.addEventListener('abort', onAbort);
  try {
    await connect();
    while (!options.signal?.aborted) {
      await drain();
      if (!bus) await connect();
      await sleep(options.pollIntervalMs ?? 2000, undefined, { signal: options.signal }).catch(() => undefined);
    }
    await draining;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await (bus as JobBus | null)?.close();
  }
  return done;
}
