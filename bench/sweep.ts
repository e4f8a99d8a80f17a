/**
 * @module bench/sweep
 * Sweep throughput: trials per hour on stories260K (a fixed number of LoRA steps per trial, no early stopping)
 * with 1 versus 3 `sling worker` processes sharing one embedded (SQLite) workspace, the controller in this process.
 * On a 2-core machine 3 workers cannot be 3x faster: the ratio shows where the cores run out. The projection
 * multiplies the measured 1-worker per-trial cost by the worker count, i.e. what one core per worker would give.
 * Last line: JSON with `ours` = 3-worker trials/hour, `peer` = 1-worker trials/hour, `ratio` = ours / peer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSweepConfig, runSweep } from '../src/platform/sweeps/index.ts';
import { initWorkspace } from '../src/platform/workspace/workspace.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const stories = join(root, '../shared/data/stories260K/stories260K.bin');
const trials = Number(process.env.SWEEP_BENCH_TRIALS ?? 6);
const steps = Number(process.env.SWEEP_BENCH_STEPS ?? 150);

async function measure(workerCount: number): Promise<{ seconds: number; trialsPerHour: number; succeeded: number }> {
  const folder = mkdtempSync(join(tmpdir(), `sling-bench-sweep-${workerCount}-`));
  const workspace = await initWorkspace(folder, {});
  const workers: ChildProcess[] = [];
  try {
    const data = join(folder, 'train.jsonl');
    writeFileSync(data, Array.from({ length: 32 }, (_, i) => JSON.stringify({ prompt: `Tom had ${i} apples.`, completion: ' He was happy.' })).join('\n') + '\n');
    const config = parseSweepConfig({
      name: `bench-${workerCount}`,
      recipe: { model: stories, data: { train: data, validation_fraction: 0.2, max_sequence_length: 32 }, epochs: 1000, max_steps: steps, batch_size: 4, eval_interval: 0, checkpoint_interval: 0, lora: { r: 4 }, early_stopping_patience: 0 },
      space: { 'optimizer.learning_rate': { loguniform: [1e-4, 1e-2] } },
      algorithm: 'random',
      max_trials: trials,
      concurrency: workerCount,
    });
    const env = { ...process.env, SLING_HOME: folder };
    for (let index = 0; index < workerCount; index += 1) {
      workers.push(spawn(process.execPath, [join(root, 'bin/sling.js'), 'worker', '--kinds', 'sweep-trial', '--poll-interval', '100', '--heartbeat-interval', '1000'], { cwd: folder, env, stdio: 'ignore' }));
    }
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let the workers start (tsx compile) before timing
    const started = performance.now();
    const outcome = await runSweep(workspace, config, { pollIntervalMs: 100 });
    const seconds = (performance.now() - started) / 1000;
    const succeeded = outcome.trials.filter((trial) => trial.status === 'succeeded').length;
    return { seconds, trialsPerHour: (succeeded / seconds) * 3600, succeeded };
  } finally {
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(workers.map((worker) => new Promise((resolve) => (worker.exitCode !== null ? resolve(null) : worker.once('exit', resolve)))));
    await workspace.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

const one = await measure(1);
const three = await measure(3);
const perTrialSeconds = one.seconds / one.succeeded;
const projection = [1, 2, 3, 4, 8].map((count) => ({ workers: count, trialsPerHour: Math.round((3600 / perTrialSeconds) * count) }));
console.log(`sweep throughput: ${trials} trials of ${steps} LoRA steps on stories260K, ${cpus().length} cores`);
console.log('workers  wall s  trials/hour');
for (const [count, result] of [[1, one], [3, three]] as const) console.log(`${String(count).padEnd(7)}  ${result.seconds.toFixed(1).padStart(6)}  ${result.trialsPerHour.toFixed(0).padStart(11)}`);
console.log(`projection from the 1-worker per-trial cost (${perTrialSeconds.toFixed(2)} s), one core per worker:`);
for (const row of projection) console.log(`  ${row.workers} workers: ${row.trialsPerHour} trials/hour`);
console.log(JSON.stringify({
  bench: 'sweep', ours: Math.round(three.trialsPerHour), peer: Math.round(one.trialsPerHour), unit: 'trials/hour', ratio: Math.round((three.trialsPerHour / one.trialsPerHour) * 100) / 100,
  trials, steps, cores: cpus().length, per_trial_seconds_1_worker: Math.round(perTrialSeconds * 100) / 100, projection, load_average: loadavg().map((value) => Math.round(value * 100) / 100),
}));
