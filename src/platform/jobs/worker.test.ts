import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { initWorkspace, type Workspace } from '../workspace/workspace.ts';
import { registerJobHandler } from './registry.ts';
import { Worker } from './worker.ts';

async function withTemporaryWorkspace(work: (workspace: Workspace) => Promise<void>): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'sling-jobs-'));
  const workspace = await initWorkspace(folder);
  try {
    await work(workspace);
  } finally {
    await workspace.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Resolves once `check` returns true (polling), or fails after `timeoutMs`. */
async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('condition not reached in time');
    await sleep(10);
  }
}

registerJobHandler<{ n: number }>('unit.square', async ({ payload, log, progress, metric, checkpointDir }) => {
  await log(`squaring ${payload.n}`);
  await progress({ done: 1, of: 1 });
  await metric(1, 'value', payload.n * payload.n);
  return { square: payload.n * payload.n, checkpointExists: existsSync(checkpointDir) };
});
registerJobHandler('unit.fail', async () => {
  throw new Error('the handler gave up');
});
registerJobHandler('unit.wait', async ({ signal, progress }) => {
  await progress({ waiting: true });
  await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
});

test('a worker runs a job: result, logs, progress, metrics, checkpoint dir', async () => {
  await withTemporaryWorkspace(async (workspace) => {
    const job = await workspace.store.jobs.enqueue({ kind: 'unit.square', payload: { n: 7 } });
    const worker = new Worker(workspace, { kinds: ['unit.square'], heartbeatIntervalMs: 20 });
    const ran = await worker.runOnce();
    assert.equal(ran?.outcome, 'succeeded');
    const done = await workspace.store.jobs.require(job.id);
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.result, { square: 49, checkpointExists: true });
    assert.deepEqual(done.progress, { done: 1, of: 1 });
    assert.equal(done.workerId, worker.id);
    const lines = (await workspace.store.jobs.logs(job.id)).map((line) => line.line);
    assert.deepEqual(lines, [`attempt 1 started by ${worker.id}`, 'squaring 7']);
    assert.deepEqual((await workspace.store.jobs.metrics(job.id)).map((metric) => metric.value), [49]);
    assert.equal(await worker.runOnce(), null);
  });
});

test('a throwing handler fails the job with its message; unknown kinds are left for another worker', async () => {
  await withTemporaryWorkspace(async (workspace) => {
    const other = await workspace.store.jobs.enqueue({ kind: 'somebody.else' });
    const failing = await workspace.store.jobs.enqueue({ kind: 'unit.fail' });
    const worker = new Worker(workspace, { kinds: ['unit.fail', 'unit.square'] });
    assert.equal((await worker.runOnce())?.outcome, 'failed');
    const failed = await workspace.store.jobs.require(failing.id);
    assert.deepEqual([failed.status, failed.error], ['failed', 'the handler gave up']);
    assert.equal(await worker.runOnce(), null);
    assert.equal((await workspace.store.jobs.require(other.id)).status, 'queued');
  });
});

test('cancelling a running job aborts its handler', async () => {
  await withTemporaryWorkspace(async (workspace) => {
    const job = await workspace.store.jobs.enqueue({ kind: 'unit.wait' });
    const worker = new Worker(workspace, { kinds: ['unit.wait'], heartbeatIntervalMs: 20 });
    const running = worker.runOnce();
    await until(async () => (await workspace.store.jobs.require(job.id)).progress !== null);
    await workspace.store.jobs.cancel(job.id);
    assert.equal((await running)?.outcome, 'cancelled');
    assert.equal((await workspace.store.jobs.require(job.id)).status, 'cancelled');
  });
});

test('stopping a worker hands its running job back to the queue', async () => {
  await withTemporaryWorkspace(async (workspace) => {
    const job = await workspace.store.jobs.enqueue({ kind: 'unit.wait' });
    const worker = new Worker(workspace, { kinds: ['unit.wait'], heartbeatIntervalMs: 20, pollIntervalMs: 10 });
    const running = worker.run();
    await until(async () => (await workspace.store.jobs.require(job.id)).progress !== null);
    worker.stop();
    assert.equal(await running, 0);
    const released = await workspace.store.jobs.require(job.id);
    assert.deepEqual([released.status, released.workerId], ['queued', null]);
  });
});

test('a job whose worker went silent is re-queued and run again by the next worker', async () => {
  await withTemporaryWorkspace(async (workspace) => {
    const job = await workspace.store.jobs.enqueue({ kind: 'unit.square', payload: { n: 3 } });
    await workspace.store.jobs.claim('vanished-worker');
    const worker = new Worker(workspace, { kinds: ['unit.square'], staleAfterMs: 50 });
    assert.equal(await worker.runOnce(), null); // heartbeat still fresh
    await sleep(80);
    assert.equal((await worker.runOnce())?.outcome, 'succeeded');
    const done = await workspace.store.jobs.require(job.id);
    assert.deepEqual([done.status, done.attempts, done.result?.square], ['succeeded', 2, 9]);
  });
});
