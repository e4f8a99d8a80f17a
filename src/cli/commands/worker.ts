/**
 * @module cli/commands/worker — `sling worker`: runs queued jobs from the workspace until stopped.
 * Extra job kinds can be loaded from SLING_JOB_MODULES (comma-separated module paths).
 */
import type { Command } from 'commander';
import { SlingError } from '../../core/errors.ts';
import { loadJobModules, registeredJobKinds, Worker, WORKER_DEFAULTS } from '../../platform/jobs/index.ts';
import { withWorkspace } from '../../platform/workspace/index.ts';

function milliseconds(value: string, name: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new SlingError('invalid_option', `--${name} must be a positive number of milliseconds, got "${value}"`, { field: name });
  }
  return parsed;
}

interface WorkerFlags {
  once?: boolean;
  kinds?: string;
  pollInterval: string;
  heartbeatInterval: string;
  staleAfter: string;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('run queued jobs (training, evaluation, export) until stopped with Ctrl-C')
    .option('--once', 'wait for one job, run it, then exit')
    .option('--kinds <list>', 'only these job kinds (comma-separated)')
    .option('--poll-interval <ms>', 'how often to look for jobs', String(WORKER_DEFAULTS.pollIntervalMs))
    .option('--heartbeat-interval <ms>', 'how often to report that a job is alive', String(WORKER_DEFAULTS.heartbeatIntervalMs))
    .option('--stale-after <ms>', 're-queue running jobs silent for this long', String(WORKER_DEFAULTS.staleAfterMs))
    .action((flags: WorkerFlags) =>
      withWorkspace(async (workspace) => {
        await loadJobModules(process.env.SLING_JOB_MODULES);
        const kinds = flags.kinds ? flags.kinds.split(',').map((kind) => kind.trim()) : undefined;
        const worker = new Worker(workspace, {
          kinds,
          pollIntervalMs: milliseconds(flags.pollInterval, 'poll-interval'),
          heartbeatIntervalMs: milliseconds(flags.heartbeatInterval, 'heartbeat-interval'),
          staleAfterMs: milliseconds(flags.staleAfter, 'stale-after'),
          onJob: (job, outcome) => console.log(`job ${job.id} (${job.kind}) ${outcome}`),
        });
        const known = kinds ?? registeredJobKinds();
        if (known.length === 0) console.error('warning: no job kinds are registered; nothing to run');
        console.log(`worker ${worker.id} taking ${known.join(', ') || 'nothing'}`);
        const stop = () => worker.stop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await worker.run(flags.once ? 1 : Infinity);
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}
