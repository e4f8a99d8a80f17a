/**
 * @module platform/jobs/kill-scenario
 * Crash recovery with real processes (run by worker-kill.test.ts on SQLite and worker-kill.pg.test.ts): a `sling worker` child runs a counting job that checkpoints every step and
 * is killed with SIGKILL half-way; a second worker re-queues the stale job, resumes it from the checkpoint and
 * finishes it. Every step must be applied exactly once: none lost, none counted twice.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { initWorkspace } from '../workspace/workspace.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repository = resolve(here, '../../..');
const STEPS = 40;

function startWorker(home: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    [join(repository, 'bin/sling.js'), 'worker', '--once', '--poll-interval', '50', '--heartbeat-interval', '100', '--stale-after', '800'],
    { env: { ...process.env, ...env, SLING_HOME: home, SLING_JOB_MODULES: join(here, 'fixtures/counting-job.ts') }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  return { child, output: () => text };
}

/** `env` is passed to the workspace and both worker processes (e.g. SLING_DATABASE_URL for PostgreSQL). */
export async function killAndResume(env: NodeJS.ProcessEnv = {}): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'sling-kill-'));
  const workspace = await initWorkspace(home, { ...process.env, ...env });
  try {
    const job = await workspace.store.jobs.enqueue({ kind: 'test.count', payload: { to: STEPS, stepMs: 80 } });

    const first = startWorker(home, env);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const step = Number((await workspace.store.jobs.require(job.id)).progress?.step ?? 0);
      if (step >= 8) break;
      if (Date.now() > deadline || first.child.exitCode !== null) assert.fail(`first worker made no progress:\n${first.output()}`);
      await sleep(20);
    }
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const orphaned = await workspace.store.jobs.require(job.id);
    assert.equal(orphaned.status, 'running');
    const stepAtKill = Number(orphaned.progress?.step);
    assert.ok(stepAtKill < STEPS, `the job finished before it could be killed (step ${stepAtKill})`);

    const second = startWorker(home, env);
    const [code] = (await Promise.race([once(second.child, 'exit'), sleep(30_000, undefined, { ref: false }).then(() => ['timeout'])])) as [number | string];
    if (code !== 0) {
      second.child.kill('SIGKILL');
      assert.fail(`second worker ended with ${code}:\n${second.output()}`);
    }

    const done = await workspace.store.jobs.require(job.id);
    assert.equal(done.status, 'succeeded', done.error ?? '');
    assert.equal(done.attempts, 2);
    const all = Array.from({ length: STEPS }, (_, index) => index + 1);
    assert.deepEqual(done.result?.applied, all);
    assert.equal(done.result?.sum, (STEPS * (STEPS + 1)) / 2);
    const resumedFrom = done.result?.resumedFrom as number[];
    assert.equal(resumedFrom.length, 1);
    assert.ok(resumedFrom[0] >= stepAtKill && resumedFrom[0] <= stepAtKill + 1, `resumed from ${resumedFrom[0]}, killed at ${stepAtKill}`);
    assert.equal(done.progress?.pid, second.child.pid);
    const metrics = await workspace.store.jobs.metrics(job.id, 'count');
    assert.deepEqual(metrics.map((metric) => metric.step), all);
    const logs = (await workspace.store.jobs.logs(job.id)).map((line) => line.line);
    assert.equal(logs.filter((line) => line.startsWith('attempt ')).length, 2);
    assert.ok(logs.includes(`resuming after step ${resumedFrom[0]}`));
  } finally {
    await workspace.close();
    rmSync(home, { recursive: true, force: true });
  }
}
