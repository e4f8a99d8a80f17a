/**
 * @module cli/commands/fleet-worker
 * `sling fleet-worker`: kept as another name for `sling worker` on a PostgreSQL workspace, which is a fleet worker
 * by itself (see worker.ts); unlike `sling worker` it refuses a SQLite workspace.
 */
import type { Command } from 'commander';
import { runWorkerCommand, withWorkerOptions, type WorkerFlags } from './worker.ts';

export function register(program: Command): void {
  withWorkerOptions(
    program.command('fleet-worker').description('`sling worker` on a PostgreSQL workspace (jobs delivered through pg-boss); refuses SQLite'),
  ).action((flags: WorkerFlags) => runWorkerCommand(flags, { requirePostgres: true }));
}
