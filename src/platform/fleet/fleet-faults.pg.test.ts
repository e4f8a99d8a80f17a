/**
 * Faults of a fleet on a real PostgreSQL with 3 `sling fleet-worker` processes on loopback, running a sweep's
 * training trials delivered through pg-boss:
 *   - kill -9 the worker of a trial that has written a checkpoint: another worker takes the job over and resumes it
 *     from that checkpoint;
 *   - stop PostgreSQL for 10 seconds and start it again: workers and the sweep controller reconnect and carry on;
 *   - at the end every trial has exactly one result (none lost, none duplicated).
 * Needs SLING_TEST_DATABASE_URL (scripts/ci-postgres.sh) and root for pg_ctlcluster. Slow (a minute or two).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createFleetTestSchema } from './fleet-test-schema.ts';
import { parseSweepConfig, runSweep, SweepRepository } from '../sweeps/index.ts';
import { initWorkspace } from '../workspace/workspace.ts';
import { JobBus } from './job-bus.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const stories = join(root, '../shared/data/stories260K/stories260K.bin');
const skip = !process.env.SLING_TEST_DATABASE_URL ? 'SLING_TEST_DATABASE_URL is not set (scripts/ci-postgres.sh)' : !existsSync(stories) ? `${stories} is absent` : !existsSync('/usr/lib/postgresql') ? 'needs a Debian PostgreSQL (pg_ctlcluster) on this machine to stop and start' : false;

function postgresVersion(): string {
  return readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)).at(-1)!;
}

test('fleet: kill -9 a worker mid-trial and restart PostgreSQL; every trial ends with exactly one result', { skip, timeout: 600_000 }, async () => {
  const schema = (await createFleetTestSchema('fleet'))!;
  const folder = mkdtempSync(join(tmpdir(), 'sling-fleet-'));
  const env = { ...process.env, SLING_DATABASE_URL: schema.url, SLING_HOME: folder };
  const workspace = await initWorkspace(folder, env);
  const workers: ChildProcess[] = [];
  const output: string[] = [];
  let bus: JobBus | null = null;
  try {
    const data = join(folder, 'train.jsonl');
    writeFileSync(data, Array.from({ length: 16 }, (_, i) => JSON.stringify({ prompt: `Tom had ${i} apples.`, completion: ' He was happy.' })).join('\n') + '\n');
    const config = parseSweepConfig({
      name: 'fleet-faults',
      recipe: { model: stories, data: { train: data, validation_fraction: 0.25, max_sequence_length: 16 }, epochs: 40, batch_size: 2, eval_interval: 20, checkpoint_interval: 4, lora: { r: 2 }, early_stopping_patience: 0 },
      space: { 'optimizer.learning_rate': { loguniform: [1e-4, 1e-2] } },
      algorithm: 'random',
      max_trials: 3,
      concurrency: 3,
    });
    for (let index = 0; index < 3; index += 1) {
      const child = spawn(process.execPath, [join(root, 'bin/sling.js'), 'fleet-worker', '--heartbeat-interval', '500', '--stale-after', '20000', '--poll-interval', '500'], { cwd: folder, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (chunk) => output.push(`[worker ${index}] ${chunk}`));
      child.stderr!.on('data', (chunk) => output.push(`[worker ${index}] ${chunk}`));
      workers.push(child);
    }
    bus = await JobBus.open(schema.url, { onError: () => undefined });
    const sweepDone = runSweep(workspace, config, { pollIntervalMs: 300, announce: (job) => bus!.announce(job), onEvent: (line) => output.push(`[sweep] ${line}\n`) });

    // Wait for a trial that has a checkpoint (step 4 is past) while its worker is still on it, then kill that worker.
    let victim: { jobId: number; pid: number } | null = null;
    for (let round = 0; round < 1200 && !victim; round += 1) {
      for (const job of await workspace.store.jobs.list({ kind: 'sweep-trial', status: 'running' })) {
        const steps = (await workspace.store.jobs.metrics(job.id, 'train_loss')).map((metric) => metric.step);
        const pid = Number(job.workerId?.split(':')[1]);
        const child = workers.find((worker) => worker.pid === pid);
        if (child && Math.max(0, ...steps) >= 6) {
          victim = { jobId: job.id, pid };
          child.kill('SIGKILL');
          break;
        }
      }
      if (!victim) await sleep(100);
    }
    assert.ok(victim, `no trial reached step 6 on a worker\n${output.join('')}`);

    // Now a 10-second database outage.
    const version = postgresVersion();
    execFileSync('pg_ctlcluster', [version, 'main', 'stop']);
    await sleep(10_000);
    execFileSync('pg_ctlcluster', [version, 'main', 'start']);

    const outcome = await sweepDone;
    assert.ok(output.some((line) => line.includes('store unavailable')), 'the controller saw the outage and carried on');
    const survivors = workers.filter((worker) => worker.pid !== victim!.pid);
    assert.ok(survivors.every((worker) => worker.exitCode === null && worker.signalCode === null), `a worker died in the outage\n${output.join('')}`);

    assert.deepEqual(outcome.trials.map((trial) => trial.status), ['succeeded', 'succeeded', 'succeeded'], output.join(''));
    const rows = await workspace.store.runner.query<{ number: number; count: number }>('SELECT number, COUNT(*) AS count FROM sweep_trials WHERE sweep_id = ? GROUP BY number ORDER BY number', [outcome.sweep.id]);
    assert.deepEqual(rows.map((row) => [Number(row.number), Number(row.count)]), [[0, 1], [1, 1], [2, 1]]);
    const jobs = await workspace.store.jobs.list({ kind: 'sweep-trial' });
    assert.equal(jobs.length, 3, 'one job per trial');
    assert.ok(jobs.every((job) => job.status === 'succeeded'));
    for (const trial of outcome.trials) assert.ok(await workspace.store.models.get(`sweep-${outcome.sweep.id}-trial-${trial.number}`));

    const taken = await workspace.store.jobs.require(victim.jobId);
    assert.ok(taken.attempts >= 2, 'the killed trial ran again');
    assert.notEqual(Number(taken.workerId?.split(':')[1]), victim.pid, 'another worker finished it');
    const resumedFrom = (taken.result as { resumedFromStep: number | null }).resumedFromStep;
    assert.ok(resumedFrom !== null && resumedFrom >= 4, `resumed from a checkpoint (got ${resumedFrom})`);
    const trial = outcome.trials.find((item) => item.jobId === victim!.jobId)!;
    assert.equal((await new SweepRepository(workspace.store).getTrial(trial.id))!.objective, trial.objective);
  } finally {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGTERM');
    await Promise.all(workers.map((worker) => (worker.exitCode === null && worker.signalCode === null ? new Promise((resolve) => worker.once('exit', resolve)) : null)));
    await bus?.close();
    await workspace.close();
    await schema.drop().catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  }
});
