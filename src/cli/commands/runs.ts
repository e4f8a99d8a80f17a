/** @module cli/commands/runs — `sling runs ls|show|logs|enqueue|cancel`: jobs (training, evaluation, export runs). */
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { SlingError } from '../../core/errors.ts';
import type { Job, JobStatus } from '../../platform/store/records.ts';
import { announceToFleet } from '../../platform/fleet/index.ts';
import { withWorkspace } from '../../platform/workspace/index.ts';

const STATUSES: JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const FINISHED: JobStatus[] = ['succeeded', 'failed', 'cancelled'];

function jobId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new SlingError('invalid_option', `a job id is a positive whole number, got "${value}"`);
  return id;
}

function time(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function duration(job: Job): string {
  if (job.startedAt === null) return '-';
  const seconds = ((job.finishedAt ?? Date.now()) - job.startedAt) / 1000;
  return seconds < 120 ? `${seconds.toFixed(1)}s` : `${(seconds / 60).toFixed(1)}m`;
}

export function register(program: Command): void {
  const runs = program.command('runs').description('list and follow jobs: training, evaluation, export');

  runs
    .command('ls')
    .option('--status <status>', `only ${STATUSES.join('|')}`)
    .option('--kind <kind>', 'only this job kind')
    .option('--limit <n>', 'how many (newest first)', '20')
    .description('list jobs, newest first')
    .action((flags: { status?: string; kind?: string; limit: string }) =>
      withWorkspace(async ({ store }) => {
        if (flags.status && !STATUSES.includes(flags.status as JobStatus)) {
          throw new SlingError('invalid_option', `--status must be one of ${STATUSES.join(', ')}`, { field: 'status' });
        }
        const jobs = await store.jobs.list({ status: flags.status as JobStatus | undefined, kind: flags.kind, limit: Number(flags.limit) });
        if (jobs.length === 0) return console.log('no jobs');
        for (const job of jobs) {
          const progress = job.progress ? JSON.stringify(job.progress) : '';
          console.log(`${String(job.id).padStart(5)}  ${job.kind.padEnd(16)} ${job.status.padEnd(10)} ${time(job.createdAt)}  ${duration(job).padStart(7)}  ${progress}`);
        }
      }),
    );

  runs
    .command('show')
    .argument('<id>', 'job id')
    .description('show a job: status, payload, progress, result, latest metrics')
    .action((id: string) =>
      withWorkspace(async ({ store }) => {
        const job = await store.jobs.require(jobId(id));
        console.log(`job ${job.id} (${job.kind}): ${job.status}, attempt ${job.attempts} of ${job.maxAttempts}`);
        console.log(`  created ${time(job.createdAt)}, started ${time(job.startedAt)}, finished ${time(job.finishedAt)} (${duration(job)})`);
        if (job.workerId) console.log(`  worker ${job.workerId}, last heartbeat ${time(job.heartbeatAt)}`);
        console.log(`  payload  ${JSON.stringify(job.payload)}`);
        if (job.progress) console.log(`  progress ${JSON.stringify(job.progress)}`);
        if (job.result) console.log(`  result   ${JSON.stringify(job.result)}`);
        if (job.error) console.log(`  error    ${job.error}`);
        const latest = new Map<string, { step: number; value: number }>();
        for (const metric of await store.jobs.metrics(job.id)) latest.set(metric.name, metric);
        for (const [name, metric] of latest) console.log(`  metric ${name} = ${metric.value} (step ${metric.step})`);
      }),
    );

  runs
    .command('logs')
    .argument('<id>', 'job id')
    .option('-f, --follow', 'keep printing new lines until the job finishes')
    .description("print a job's log")
    .action((id: string, flags: { follow?: boolean }) =>
      withWorkspace(async ({ store }) => {
        const job = await store.jobs.require(jobId(id));
        let after = 0;
        for (;;) {
          for (const line of await store.jobs.logs(job.id, after)) {
            console.log(`${time(line.time)}  ${line.line}`);
            after = line.id;
          }
          if (!flags.follow || FINISHED.includes((await store.jobs.require(job.id)).status)) break;
          await sleep(500);
        }
      }),
    );

  runs
    .command('enqueue')
    .argument('<kind>', 'job kind (a worker must have a handler for it)')
    .option('--payload <json>', 'the job payload as a JSON object', '{}')
    .option('--max-attempts <n>', 'how often a crashed job is retried', '3')
    .description('queue a job by hand (commands like `sling train` do this for you)')
    .action((kind: string, flags: { payload: string; maxAttempts: string }) =>
      withWorkspace(async (workspace) => {
        let payload: unknown;
        try {
          payload = JSON.parse(flags.payload);
        } catch (error) {
          throw new SlingError('invalid_option', `--payload is not valid JSON: ${(error as Error).message}`, { field: 'payload' });
        }
        if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
          throw new SlingError('invalid_option', '--payload must be a JSON object', { field: 'payload' });
        }
        const job = await workspace.store.jobs.enqueue({ kind, payload: payload as Record<string, unknown>, maxAttempts: Number(flags.maxAttempts) });
        await announceToFleet(workspace, job, (line) => console.error(line));
        console.log(`job ${job.id} queued (${kind}); run it with \`sling worker\``);
      }),
    );

  runs
    .command('cancel')
    .argument('<id>', 'job id')
    .description('cancel a queued or running job (a running job stops at its next heartbeat)')
    .action((id: string) =>
      withWorkspace(async ({ store }) => {
        const job = await store.jobs.cancel(jobId(id));
        console.log(`job ${job.id} cancelled`);
      }),
    );
}
