/**
 * The concurrency limit: with three idle workers, a sweep never has more than `concurrency` trial jobs queued or
 * running at once. Checked twice: by sampling the jobs table while the sweep runs, and afterwards from every trial
 * job's created/finished timestamps (an interval sweep over the whole run, so nothing between samples is missed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from '../jobs/worker.ts';
import type { Job } from '../store/records.ts';
import { initWorkspace } from '../workspace/workspace.ts';
import { parseSweepConfig, runSweep, SweepRepository } from './index.ts';

const stories = fileURLToPath(new URL('../../../../shared/data/stories260K/stories260K.bin', import.meta.url));
const skip = existsSync(stories) ? false : `${stories} is absent`;

/** The most intervals [from, to) open at one time; an interval ending at t is closed before one starting at t. */
function maxOverlap(intervals: [number, number][]): number {
  const events = intervals.flatMap(([from, to]) => [[from, 1], [to, -1]] as [number, number][]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, change] of events) most = Math.max(most, (open += change));
  return most;
}

for (const concurrency of [1, 2]) {
  test(`concurrency ${concurrency}: never more than ${concurrency} trial job(s) queued or running, with 3 idle workers`, { skip }, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sling-sweep-concurrency-'));
    const workspace = await initWorkspace(folder);
    try {
      const data = join(folder, 'train.jsonl');
      writeFileSync(data, Array.from({ length: 16 }, (_, i) => JSON.stringify({ prompt: `Tom had ${i} apples.`, completion: ' He was happy.' })).join('\n') + '\n');
      const config = parseSweepConfig({
        name: `concurrency-${concurrency}`,
        recipe: { model: stories, data: { train: data, validation_fraction: 0.25, max_sequence_length: 16 }, max_steps: 10, batch_size: 2, eval_interval: 10, lora: { r: 2 } },
        space: { 'optimizer.learning_rate': { loguniform: [1e-4, 1e-2] } },
        algorithm: 'random',
        max_trials: 4,
        concurrency,
      });
      const workers = [0, 1, 2].map(() => new Worker(workspace, { kinds: ['sweep-trial'], pollIntervalMs: 10, heartbeatIntervalMs: 200 }));
      const running = workers.map((worker) => worker.run());

      let sampling = true;
      const samples: { running: number; busy: number }[] = [];
      const sampler = (async () => {
        while (sampling) {
          const jobs = await workspace.store.jobs.list({ kind: 'sweep-trial' });
          samples.push({ running: jobs.filter((job) => job.status === 'running').length, busy: jobs.filter((job) => job.status === 'running' || job.status === 'queued').length });
          await sleep(5);
        }
      })();
      const outcome = await runSweep(workspace, config, { pollIntervalMs: 20 });
      sampling = false;
      await sampler;
      workers.forEach((worker) => worker.stop());
      await Promise.all(running);

      assert.deepEqual(outcome.trials.map((trial) => trial.status), ['succeeded', 'succeeded', 'succeeded', 'succeeded']);
      assert.ok(samples.length >= 5, `sampled ${samples.length} times`);
      assert.ok(Math.max(...samples.map((sample) => sample.running)) <= concurrency, JSON.stringify(samples));
      assert.ok(Math.max(...samples.map((sample) => sample.busy)) <= concurrency, JSON.stringify(samples));

      const jobs: Job[] = await workspace.store.jobs.list({ kind: 'sweep-trial' });
      assert.equal(jobs.length, 4);
      assert.ok(jobs.every((job) => job.attempts === 1 && job.startedAt !== null && job.finishedAt !== null));
      // Exactly the limit: the controller filled every slot (and only the limit held the third worker back).
      assert.equal(maxOverlap(jobs.map((job) => [job.createdAt, job.finishedAt!])), concurrency, 'queued or running at once');
      assert.ok(maxOverlap(jobs.map((job) => [job.startedAt!, job.finishedAt!])) <= concurrency, 'running at once');
    } finally {
      await workspace.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
}

test('a trial whose result is written but whose job has not ended yet still holds its slot', { skip }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-sweep-slot-'));
  const workspace = await initWorkspace(folder);
  try {
    const data = join(folder, 'train.jsonl');
    writeFileSync(data, JSON.stringify({ prompt: 'Tom had apples.', completion: ' He was happy.' }) + '\n');
    const config = parseSweepConfig({
      recipe: { model: stories, data: { train: data } },
      space: { 'optimizer.learning_rate': { choice: [1e-3, 1e-2] } },
      algorithm: 'grid',
      concurrency: 1,
    });
    const sweeps = new SweepRepository(workspace.store);
    const trialJobs = () => workspace.store.jobs.list({ kind: 'sweep-trial' });
    const sweepDone = runSweep(workspace, config, { pollIntervalMs: 5 });
    // Play the worker by hand: claim the job, write the trial's result, and hold the job open for a while.
    const hold = async () => {
      let job: Job | null = null;
      while (!(job = await workspace.store.jobs.claim('by-hand', ['sweep-trial']))) await sleep(5);
      const trial = (await sweeps.trials(job.payload.sweepId as number)).find((item) => item.id === job!.payload.trialId)!;
      await sweeps.finishTrial(trial.id, { status: 'succeeded', objective: trial.number, result: {} });
      await sleep(200); // the controller polls every 5 ms meanwhile
      assert.equal((await trialJobs()).length, trial.number + 1, 'no new trial while the job is still running');
      await workspace.store.jobs.finish(job.id, 'by-hand', { status: 'succeeded', result: {} });
    };
    await hold();
    await hold();
    const outcome = await sweepDone;
    assert.deepEqual(outcome.trials.map((trial) => [trial.number, trial.status]), [[0, 'succeeded'], [1, 'succeeded']]);
    const jobs = await trialJobs();
    assert.equal(maxOverlap(jobs.map((job) => [job.createdAt, job.finishedAt!])), 1);
  } finally {
    await workspace.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
