/**
 * @module cli/commands/sweep
 * `sling sweep --config sweep.yaml`: runs a hyperparameter sweep (docs/sweeps.md). Trials are `sweep-trial` jobs;
 * by default this process also runs `--workers 1` worker loop for them, and any `sling worker` sharing the
 * workspace's store (PostgreSQL for several machines) takes trials too. `sling sweep show ID` ranks the trials,
 * `sling sweep report ID` writes the HTML report, `sling sweep list` lists sweeps, `--resume ID` continues one.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SlingError } from '../../core/errors.ts';
import { JobBus } from '../../platform/fleet/index.ts';
import { Worker } from '../../platform/jobs/index.ts';
import { readSweepFile, runSweep, sweepHtmlReport, SweepRepository, type Sweep, type Trial } from '../../platform/sweeps/index.ts';
import { trialsTable } from '../../platform/sweeps/sweep-report.ts';
import { withWorkspace } from '../../platform/workspace/index.ts';

function integer(value: string, flag: string, minimum: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum) throw new SlingError('invalid_option', `--${flag} must be an integer of at least ${minimum}, got "${value}"`, { field: flag });
  return parsed;
}

function renderTable(sweep: Sweep, trials: Trial[]): string {
  const { head, rows } = trialsTable(sweep, trials);
  const widths = head.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(head), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function printSweep(sweep: Sweep, trials: Trial[]): void {
  const summary = sweep.summary as { stopReason?: string; exportDir?: string | null } | null;
  console.log(`Sweep ${sweep.id} "${sweep.name}" (${sweep.config.algorithm}, ${sweep.status}${summary?.stopReason ? `, ${summary.stopReason}` : ''}): ${sweep.config.objective.goal} ${sweep.config.objective.metric}`);
  console.log(renderTable(sweep, trials));
  if (summary?.exportDir) console.log(`best adapter and config: ${summary.exportDir}`);
}

interface SweepFlags {
  config?: string;
  resume?: string;
  workers: string;
  poll: string;
  report?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const sweep = program
    .command('sweep')
    .description('hyperparameter sweep over recipe keys (grid, random, TPE; ASHA early stopping); see docs/sweeps.md')
    .option('--config <file>', 'sweep file (YAML)')
    .option('--resume <id>', 'continue an interrupted sweep')
    .option('--workers <n>', 'worker loops in this process (0: leave trials to `sling worker` processes)', '1')
    .option('--poll <ms>', 'how often the controller checks trials', '1000')
    .option('--report <file>', 'also write the HTML report here')
    .option('--json', 'print the result as JSON')
    .action((flags: SweepFlags) =>
      withWorkspace(async (workspace) => {
        if (!flags.config && !flags.resume) throw new SlingError('invalid_option', 'give a sweep file with --config (or --resume ID)', { field: 'config', hint: 'see docs/sweeps.md' });
        const config = flags.config ? readSweepFile(flags.config) : null;
        const workerCount = integer(flags.workers, 'workers', 0);
        const workers = Array.from({ length: workerCount }, () => new Worker(workspace, { kinds: ['sweep-trial'], pollIntervalMs: 250 }));
        const running = workers.map((worker) => worker.run());
        // On PostgreSQL, trials also go to the fleet through pg-boss (any `sling fleet-worker` may take them).
        const bus = workspace.store.dialect === 'postgres' ? await JobBus.open(process.env.SLING_DATABASE_URL || workspace.config.database_url!) : null;
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        try {
          const outcome = await runSweep(workspace, config, {
            sweepId: flags.resume ? integer(flags.resume, 'resume', 1) : undefined,
            pollIntervalMs: integer(flags.poll, 'poll', 10),
            signal: controller.signal,
            onEvent: (line) => (flags.json ? undefined : console.error(line)),
            announce: bus ? (job) => bus.announce(job) : undefined,
          });
          if (flags.report) writeFileSync(flags.report, sweepHtmlReport(outcome.sweep, outcome.trials));
          if (flags.json) console.log(JSON.stringify({ sweep: outcome.sweep, trials: outcome.trials }));
          else printSweep(outcome.sweep, outcome.trials);
        } finally {
          process.off('SIGINT', stop);
          workers.forEach((worker) => worker.stop());
          await Promise.all(running);
          await bus?.close();
        }
      }),
    );
  sweep
    .command('show <id>')
    .description('the trials of a sweep, best first')
    .option('--json', 'as JSON')
    .action((id: string, flags: { json?: boolean }) =>
      withWorkspace(async (workspace) => {
        const sweeps = new SweepRepository(workspace.store);
        const found = await sweeps.require(integer(id, 'id', 1));
        const trials = await sweeps.trials(found.id);
        if (flags.json) console.log(JSON.stringify({ sweep: found, trials }));
        else printSweep(found, trials);
      }),
    );
  sweep
    .command('report <id>')
    .description('write the sweep as a self-contained HTML report (parallel coordinates, objective over time)')
    .option('--out <file>', 'output file', 'sweep-report.html')
    .action((id: string, flags: { out: string }) =>
      withWorkspace(async (workspace) => {
        const sweeps = new SweepRepository(workspace.store);
        const found = await sweeps.require(integer(id, 'id', 1));
        writeFileSync(flags.out, sweepHtmlReport(found, await sweeps.trials(found.id)));
        console.log(`wrote ${flags.out}`);
      }),
    );
  sweep
    .command('list')
    .description('sweeps in this workspace, newest first')
    .action(() =>
      withWorkspace(async (workspace) => {
        for (const item of await new SweepRepository(workspace.store).list()) {
          const best = (item.summary as { best?: { number: number; objective: number } | null } | null)?.best;
          console.log(`${item.id}\t${item.name}\t${item.status}\t${item.config.algorithm}\t${best ? `best trial ${best.number}: ${best.objective}` : '-'}`);
        }
      }),
    );
}
