/**
 * `sling worker` (the CLI, as a child process) on a PostgreSQL workspace is a fleet worker:
 *   - with its safety-net poll set to ten minutes it still runs a job within seconds of the job's pg-boss message;
 *   - a worker in another workspace folder (another machine) with the same SLING_ARTIFACTS folder trains a job
 *     queued from the first workspace, and the first workspace reads the adapter it wrote from the shared folder.
 * Needs SLING_TEST_DATABASE_URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Job } from '../store/records.ts';
import { initWorkspace, type Workspace } from '../workspace/workspace.ts';
import { createFleetTestSchema } from './fleet-test-schema.ts';
import { JobBus } from './job-bus.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const countingJob = join(root, 'src/platform/jobs/fixtures/counting-job.ts');
const stories = join(root, '../shared/data/stories260K/stories260K.bin');
const skip = process.env.SLING_TEST_DATABASE_URL ? false : 'SLING_TEST_DATABASE_URL is not set';
const TEN_MINUTES = '600000';

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
}

function startWorker(env: NodeJS.ProcessEnv, flags: string[]): WorkerProcess {
  const child = spawn(process.execPath, [join(root, 'bin/sling.js'), 'worker', '--poll-interval', TEN_MINUTES, '--heartbeat-interval', '200', ...flags], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  return { child, output: () => text };
}

async function until<T>(what: string, worker: WorkerProcess, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline || worker.child.exitCode !== null) assert.fail(`${what} did not happen\n${worker.output()}`);
    await sleep(50);
  }
}

/** Waits until the worker listens on pg-boss: its first look at the store (queue empty) is over by then. */
async function listening(worker: WorkerProcess): Promise<void> {
  await until('listening through pg-boss', worker, () => (/listening for .* through pg-boss/.test(worker.output()) ? true : undefined), 60_000);
}

async function finished(workspace: Workspace, job: Job, worker: WorkerProcess, timeoutMs: number): Promise<Job> {
  return until(`job ${job.id} finishing`, worker, async () => {
    const current = await workspace.store.jobs.require(job.id);
    return current.status === 'queued' || current.status === 'running' ? undefined : current;
  }, timeoutMs);
}

async function stop(worker: WorkerProcess): Promise<number | null> {
  if (worker.child.exitCode !== null) return worker.child.exitCode;
  worker.child.kill('SIGTERM');
  const [code] = await once(worker.child, 'exit');
  return code as number | null;
}

test('PostgreSQL: `sling worker` receives a job through pg-boss (its poll is ten minutes away)', { skip, timeout: 120_000 }, async () => {
  const schema = (await createFleetTestSchema('worker'))!;
  const folder = mkdtempSync(join(tmpdir(), 'sling-pgboss-worker-'));
  const env = { ...process.env, SLING_DATABASE_URL: schema.url, SLING_HOME: folder, SLING_JOB_MODULES: countingJob };
  const workspace = await initWorkspace(folder, env);
  const worker = startWorker(env, []);
  let bus: JobBus | null = null;
  try {
    await listening(worker);
    const job = await workspace.store.jobs.enqueue({ kind: 'test.count', payload: { to: 3, stepMs: 10 } });
    bus = await JobBus.open(schema.url);
    const sent = Date.now();
    await bus.announce(job);
    const done = await finished(workspace, job, worker, 30_000);
    assert.equal(done.status, 'succeeded', done.error ?? worker.output());
    assert.ok(Date.now() - sent < 30_000, 'woken by the message, not by the ten-minute poll');
    assert.equal(Number(done.workerId?.split(':')[1]), worker.child.pid, 'the CLI worker ran it');
    assert.deepEqual(done.result?.applied, [1, 2, 3]);
    await until('the job line', worker, () => (worker.output().includes(`job ${job.id} (test.count) succeeded`) ? true : undefined), 5000);
    assert.equal(await stop(worker), 0, worker.output());
  } finally {
    await stop(worker);
    await bus?.close();
    await workspace.close();
    await schema.drop();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('PostgreSQL: a job queued with `sling runs enqueue` is announced through pg-boss and run at once', { skip, timeout: 120_000 }, async () => {
  const schema = (await createFleetTestSchema('enqueue'))!;
  const folder = mkdtempSync(join(tmpdir(), 'sling-pgboss-enqueue-'));
  const env = { ...process.env, SLING_DATABASE_URL: schema.url, SLING_HOME: folder, SLING_JOB_MODULES: countingJob };
  const workspace = await initWorkspace(folder, env);
  const worker = startWorker(env, []);
  try {
    await listening(worker);
    const queued = spawnSync(process.execPath, [join(root, 'bin/sling.js'), 'runs', 'enqueue', 'test.count', '--payload', '{"to": 2, "stepMs": 5}'], { env, encoding: 'utf8' });
    assert.equal(queued.status, 0, queued.stderr);
    assert.doesNotMatch(queued.stderr, /could not announce/);
    const job = (await workspace.store.jobs.list({ kind: 'test.count' }))[0]!;
    const done = await finished(workspace, job, worker, 30_000);
    assert.equal(done.status, 'succeeded', done.error ?? worker.output());
    assert.equal(Number(done.workerId?.split(':')[1]), worker.child.pid);
  } finally {
    await stop(worker);
    await workspace.close();
    await schema.drop();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('PostgreSQL: a worker in another workspace folder writes its adapter to the shared SLING_ARTIFACTS folder', { skip: skip || (existsSync(stories) ? false : `${stories} is absent`), timeout: 180_000 }, async () => {
  const schema = (await createFleetTestSchema('artifacts'))!;
  const folder = mkdtempSync(join(tmpdir(), 'sling-shared-artifacts-'));
  const shared = join(folder, 'shared-artifacts');
  const [here, there] = [join(folder, 'machine-a'), join(folder, 'machine-b')];
  const common = { ...process.env, SLING_DATABASE_URL: schema.url, SLING_ARTIFACTS: shared };
  const workspace = await initWorkspace(here, { ...common, SLING_HOME: here });
  await (await initWorkspace(there, { ...common, SLING_HOME: there })).close();
  const worker = startWorker({ ...common, SLING_HOME: there }, ['--kinds', 'train']);
  let bus: JobBus | null = null;
  try {
    const data = join(folder, 'train.jsonl');
    writeFileSync(data, Array.from({ length: 8 }, (_, i) => JSON.stringify({ prompt: `Tom had ${i} apples.`, completion: ' He was happy.' })).join('\n') + '\n');
    await listening(worker);
    const recipe = { model: stories, data: { train: data, max_sequence_length: 16 }, max_steps: 2, batch_size: 2, lora: { r: 2 } };
    const job = await workspace.store.jobs.enqueue({ kind: 'train', payload: { recipe, name: 'trained-elsewhere' } });
    bus = await JobBus.open(schema.url);
    await bus.announce(job);
    const done = await finished(workspace, job, worker, 120_000);
    assert.equal(done.status, 'succeeded', done.error ?? worker.output());
    assert.equal(Number(done.workerId?.split(':')[1]), worker.child.pid);

    // The run folder is the worker's (machine B); the adapter's bytes reach machine A through the shared folder.
    const model = await workspace.store.models.get('trained-elsewhere');
    assert.ok(model && model.kind === 'adapter', JSON.stringify(model));
    assert.ok(model.uri.startsWith(join(there, 'checkpoints', `job-${job.id}`) + '/'), model.uri);
    const artifacts = done.result?.artifacts as Record<string, string>;
    assert.deepEqual(Object.keys(artifacts).sort(), ['adapter_config.json', 'adapter_model.safetensors']);
    for (const [file, uri] of Object.entries(artifacts)) {
      assert.ok(workspace.artifacts.path(uri).startsWith(shared + '/'), workspace.artifacts.path(uri));
      assert.deepEqual(await workspace.artifacts.get(uri), readFileSync(join(model.uri, file)), file);
    }
    assert.ok(!existsSync(join(here, 'artifacts')) && !existsSync(join(there, 'artifacts')), 'neither workspace used its own artifact folder');
    assert.equal(await stop(worker), 0, worker.output());
  } finally {
    await stop(worker);
    await bus?.close();
    await workspace.close();
    await schema.drop();
    rmSync(folder, { recursive: true, force: true });
  }
});
