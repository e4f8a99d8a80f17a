/**
 * Two workers with separate PostgreSQL connection pools drain one queue: every job runs exactly once
 * (claiming uses FOR UPDATE SKIP LOCKED), and a stale job is re-queued for the other worker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestSchema } from '../store/postgres-test-schema.ts';
import { initWorkspace, openWorkspaceAt } from '../workspace/workspace.ts';
import { registerJobHandler } from './registry.ts';
import { Worker } from './worker.ts';

const runsPerJob = new Map<number, string[]>();
registerJobHandler('pg.record', async ({ job }) => {
  await sleep(5);
  runsPerJob.set(job.id, [...(runsPerJob.get(job.id) ?? []), job.workerId!]);
  return { ran: true };
});

test('PostgreSQL: two workers share a queue without running any job twice', async (context) => {
  const schema = await createTestSchema('workers');
  if (!schema) return context.skip('SLING_TEST_DATABASE_URL is not set');
  const home = mkdtempSync(join(tmpdir(), 'sling-pg-workers-'));
  const env = { ...process.env, SLING_DATABASE_URL: schema.url };
  const first = await initWorkspace(home, env);
  const second = await openWorkspaceAt(home, env);
  try {
    assert.equal(first.store.dialect, 'postgres');
    const jobs = [];
    for (let index = 0; index < 40; index += 1) jobs.push(await first.store.jobs.enqueue({ kind: 'pg.record' }));
    const workers = [new Worker(first, { workerId: 'a', pollIntervalMs: 5 }), new Worker(second, { workerId: 'b', pollIntervalMs: 5 })];
    const running = workers.map((worker) => worker.run());
    while ((await first.store.jobs.list({ status: 'succeeded', limit: 100 })).length < jobs.length) await sleep(20);
    workers.forEach((worker) => worker.stop());
    const finished = (await Promise.all(running)).reduce((sum, count) => sum + count, 0);
    assert.equal(finished, jobs.length);
    for (const job of jobs) assert.equal(runsPerJob.get(job.id)?.length, 1, `job ${job.id} ran ${runsPerJob.get(job.id)?.length} times`);

    const stale = await first.store.jobs.enqueue({ kind: 'pg.record' });
    await first.store.jobs.claim('gone');
    await first.store.runner.run('UPDATE jobs SET heartbeat_at = ? WHERE id = ?', [Date.now() - 10_000, stale.id]);
    const ran = await new Worker(second, { workerId: 'b', staleAfterMs: 5000 }).runOnce();
    assert.deepEqual([ran?.job.id, ran?.outcome, ran?.job.attempts], [stale.id, 'succeeded', 2]);
  } finally {
    await first.close();
    await second.close();
    rmSync(home, { recursive: true, force: true });
    await schema.drop();
  }
});
