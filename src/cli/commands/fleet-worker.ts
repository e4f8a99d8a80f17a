/**
 * @module cli/commands/fleet-worker
 * `sling fleet-worker`: a worker of a fleet on PostgreSQL (SLING_DATABASE_URL or `database_url` in sling.yaml).
 * Jobs (train, eval, sweep-trial, fine-tune, export) reach it through pg-boss; it heartbeats, streams logs and
 * metrics into the store, writes artifacts to the workspace's artifact folder (SLING_ARTIFACTS for a shared mount),
 * takes over jobs of workers that died (resuming from their checkpoints), and rides out database restarts.
 */
import type { Command } from 'commander';
import { SlingError } from '../../core/errors.ts';
import { openWhenReachable, runFleetWorker } from '../../platform/fleet/index.ts';
import { loadJobModules, WORKER_DEFAULTS } from '../../platform/jobs/index.ts';
import '../../platform/sweeps/index.ts';
import '../../platform/serve/fine-tuning/index.ts';
import { openWorkspace, type Workspace } from '../../platform/workspace/index.ts';

function milliseconds(value: string, name: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new SlingError('invalid_option', `--${name} must be a positive number of milliseconds, got "${value}"`, { field: name });
  return parsed;
}

/** Like `withWorkspace`, but waits for a database that is down or restarting instead of exiting. */
async function withReachableWorkspace(work: (workspace: Workspace) => Promise<void>): Promise<void> {
  const workspace = await openWhenReachable(() => openWorkspace(), { log: (line) => console.error(line) });
  try {
    await work(workspace);
  } finally {
    await workspace.close();
  }
}

export function register(program: Command): void {
  program
    .command('fleet-worker')
    .description('run jobs delivered through pg-boss (PostgreSQL workspaces): training, evaluation, sweep trials')
    .option('--kinds <list>', 'only these job kinds (comma-separated)')
    .option('--heartbeat-interval <ms>', 'how often to report that a job is alive', String(WORKER_DEFAULTS.heartbeatIntervalMs))
    .option('--stale-after <ms>', 'take over running jobs silent for this long', String(WORKER_DEFAULTS.staleAfterMs))
    .option('--poll-interval <ms>', 'safety-net poll besides pg-boss messages', '2000')
    .action((flags: { kinds?: string; heartbeatInterval: string; staleAfter: string; pollInterval: string }) =>
      withReachableWorkspace(async (workspace) => {
        const databaseUrl = process.env.SLING_DATABASE_URL || workspace.config.database_url;
        if (!databaseUrl || workspace.store.dialect !== 'postgres') {
          throw new SlingError('fleet_needs_postgres', 'a fleet worker needs the workspace on PostgreSQL', { hint: 'set SLING_DATABASE_URL=postgres://... (or use `sling worker` with the embedded SQLite store)' });
        }
        await loadJobModules(process.env.SLING_JOB_MODULES);
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await runFleetWorker(workspace, {
            databaseUrl,
            kinds: flags.kinds?.split(',').map((kind) => kind.trim()),
            heartbeatIntervalMs: milliseconds(flags.heartbeatInterval, 'heartbeat-interval'),
            staleAfterMs: milliseconds(flags.staleAfter, 'stale-after'),
            pollIntervalMs: milliseconds(flags.pollInterval, 'poll-interval'),
            signal: controller.signal,
            onJob: (job, outcome) => console.log(`job ${job.id} (${job.kind}) ${outcome}`),
            log: (line) => console.error(line),
          });
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}
