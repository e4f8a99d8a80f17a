/**
 * @module cli/commands/worker — `sling worker`: runs queued jobs from the workspace until stopped.
 * On a SQLite workspace it polls the store. On PostgreSQL (SLING_DATABASE_URL or `database_url` in sling.yaml) it
 * is a fleet worker (platform/fleet): jobs reach it through pg-boss, with a poll as a safety net, so workers on any
 * machine share the queue; it heartbeats, streams logs and metrics into the store, writes artifacts to the
 * workspace's artifact folder (SLING_ARTIFACTS for a shared mount), takes over jobs of workers that died (resuming
 * from their checkpoints), and waits out database restarts. Extra job kinds can be loaded from SLING_JOB_MODULES
 * (comma-separated module paths).
 */
import type { Command } from 'commander';
import { SlingError } from '../../core/errors.ts';
import '../../platform/eval/persist/eval-job.ts';
import { openWhenReachable, runFleetWorker } from '../../platform/fleet/index.ts';
import { loadJobModules, registeredJobKinds, Worker, WORKER_DEFAULTS } from '../../platform/jobs/index.ts';
import '../../platform/serve/fine-tuning/index.ts';
import '../../platform/sweeps/index.ts';
import { openWorkspace } from '../../platform/workspace/index.ts';

function milliseconds(value: string, name: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new SlingError('invalid_option', `--${name} must be a positive number of milliseconds, got "${value}"`, { field: name });
  }
  return parsed;
}

export interface WorkerFlags {
  once?: boolean;
  kinds?: string;
  pollInterval: string;
  heartbeatInterval: string;
  staleAfter: string;
}

/** The worker's options, shared with `sling fleet-worker`. */
export function withWorkerOptions(command: Command): Command {
  return command
    .option('--once', 'wait for one job, run it, then exit')
    .option('--kinds <list>', 'only these job kinds (comma-separated)')
    .option('--poll-interval <ms>', 'how often to look for jobs (on PostgreSQL: the safety net besides pg-boss messages)', String(WORKER_DEFAULTS.pollIntervalMs))
    .option('--heartbeat-interval <ms>', 'how often to report that a job is alive', String(WORKER_DEFAULTS.heartbeatIntervalMs))
    .option('--stale-after <ms>', 're-queue running jobs silent for this long', String(WORKER_DEFAULTS.staleAfterMs));
}

/** Runs the worker; `requirePostgres` refuses a SQLite workspace (what `sling fleet-worker` promises). */
export async function runWorkerCommand(flags: WorkerFlags, options: { requirePostgres?: boolean } = {}): Promise<void> {
  // A database that is down or restarting is waited for, not an exit (a fleet may come up before its database).
  const workspace = await openWhenReachable(() => openWorkspace(), { log: (line) => console.error(line) });
  try {
    const databaseUrl = workspace.store.dialect === 'postgres' ? process.env.SLING_DATABASE_URL || workspace.config.database_url : undefined;
    if (options.requirePostgres && !databaseUrl) {
      throw new SlingError('fleet_needs_postgres', 'a fleet worker needs the workspace on PostgreSQL', { hint: 'set SLING_DATABASE_URL=postgres://... (or use `sling worker` with the embedded SQLite store)' });
    }
    await loadJobModules(process.env.SLING_JOB_MODULES);
    const kinds = flags.kinds ? flags.kinds.split(',').map((kind) => kind.trim()) : registeredJobKinds();
    if (kinds.length === 0) console.error('warning: no job kinds are registered; nothing to run');
    const settings = {
      kinds,
      pollIntervalMs: milliseconds(flags.pollInterval, 'poll-interval'),
      heartbeatIntervalMs: milliseconds(flags.heartbeatInterval, 'heartbeat-interval'),
      staleAfterMs: milliseconds(flags.staleAfter, 'stale-after'),
      onJob: (job: { id: number; kind: string }, outcome: string) => console.log(`job ${job.id} (${job.kind}) ${outcome}`),
    };
    const maxJobs = flags.once ? 1 : Infinity;
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      if (databaseUrl) {
        await runFleetWorker(workspace, { ...settings, databaseUrl, maxJobs, signal: controller.signal, log: (line) => console.error(line) });
      } else {
        const worker = new Worker(workspace, settings);
        controller.signal.addEventListener('abort', () => worker.stop());
        console.log(`worker ${worker.id} taking ${kinds.join(', ') || 'nothing'}`);
        await worker.run(maxJobs);
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  } finally {
    await workspace.close();
  }
}

export function register(program: Command): void {
  withWorkerOptions(
    program.command('worker').description('run queued jobs (training, evaluation, sweep trials, export) until stopped with Ctrl-C; on PostgreSQL, jobs arrive through pg-boss'),
  ).action((flags: WorkerFlags) => runWorkerCommand(flags));
}
