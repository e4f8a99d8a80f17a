import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SlingError } from '../../core/errors.ts';
import { Worker } from '../jobs/worker.ts';
import { initWorkspace } from '../workspace/workspace.ts';
import { parseSweepConfig, runSweep, sweepHtmlReport, SweepRepository } from './index.ts';
import { trialsTable } from './sweep-report.ts';

const stories = fileURLToPath(new URL('../../../../shared/data/stories260K/stories260K.bin', import.meta.url));
const skip = existsSync(stories) ? false : `${stories} is absent`;

function writeData(folder: string): string {
  const path = join(folder, 'train.jsonl');
  writeFileSync(path, Array.from({ length: 16 }, (_, i) => JSON.stringify({ prompt: `Tom had ${i} apples.`, completion: ' He was happy.' })).join('\n') + '\n');
  return path;
}

test('a sweep runs its trials as jobs in workers, prunes with ASHA, ranks them and exports the best adapter', { skip }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-sweep-'));
  const workspace = await initWorkspace(folder);
  try {
    const config = parseSweepConfig({
      name: 'tiny',
      recipe: { model: stories, data: { train: writeData(folder), validation_fraction: 0.25, max_sequence_length: 16 }, max_steps: 4, batch_size: 2, eval_interval: 2, checkpoint_interval: 2, lora: { r: 2 }, early_stopping_patience: 0 },
      space: { 'optimizer.learning_rate': { loguniform: [1e-5, 3e-2] }, 'lora.alpha': { choice: [2, 16] } },
      algorithm: 'random',
      seed: 3,
      max_trials: 5,
      concurrency: 2,
      early_stopping: { kind: 'asha', min_steps: 2, reduction_factor: 2 },
    });
    const workers = [0, 1].map(() => new Worker(workspace, { kinds: ['sweep-trial'], pollIntervalMs: 50, heartbeatIntervalMs: 200 }));
    const running = workers.map((worker) => worker.run());
    const events: string[] = [];
    const outcome = await runSweep(workspace, config, { pollIntervalMs: 100, onEvent: (line) => events.push(line) });
    workers.forEach((worker) => worker.stop());
    await Promise.all(running);

    assert.equal(outcome.trials.length, 5);
    assert.ok(outcome.trials.every((trial) => trial.status === 'succeeded' || trial.status === 'pruned'), JSON.stringify(outcome.trials.map((trial) => [trial.status, trial.result])));
    const succeeded = outcome.trials.filter((trial) => trial.status === 'succeeded');
    assert.ok(succeeded.length >= 1);
    for (const trial of succeeded) {
      // The objective is the run's own final validation loss, read back from the trial's job metrics.
      const metrics = await workspace.store.jobs.metrics(trial.jobId!, 'validation_loss');
      assert.equal(trial.result!.steps, 4);
      assert.equal(trial.objective, metrics.find((metric) => metric.step === 4)?.value, JSON.stringify(metrics));
    }
    const best = outcome.best!;
    assert.equal(best.objective, Math.min(...succeeded.map((trial) => trial.objective!)));
    // A pruned trial had a worse value than some other trial at the rung where it was stopped.
    const rungs = await new SweepRepository(workspace.store).rungs(outcome.sweep.id);
    assert.ok(rungs.some((rung) => rung.rung === 0));
    for (const trial of outcome.trials.filter((item) => item.status === 'pruned')) {
      const at = trial.result!.prunedAt as { rung: number; value: number };
      assert.equal(trial.objective, null);
      assert.equal(rungs.find((rung) => rung.trialId === trial.id && rung.rung === at.rung)?.value, at.value);
      assert.ok(rungs.some((rung) => rung.rung === at.rung && rung.value < at.value));
    }
    assert.ok(outcome.exportDir && existsSync(join(outcome.exportDir, 'adapter_model.safetensors')));
    const description = JSON.parse(readFileSync(join(outcome.exportDir, 'sweep-best.json'), 'utf8'));
    assert.equal(description.trial, best.number);
    assert.equal(description.recipe.optimizer.learning_rate, best.parameters['optimizer.learning_rate']);
    assert.equal(outcome.sweep.status, 'succeeded');

    const table = trialsTable(outcome.sweep, outcome.trials);
    assert.equal(table.rows[0][1], String(best.number));
    const html = sweepHtmlReport(outcome.sweep, outcome.trials);
    assert.match(html, /new Chart\(document.getElementById\('parallel'\)/);
    assert.match(html, /Chart\.js v4/);
  } finally {
    await workspace.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a time budget stops running trials; a bad objective names its field', { skip }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-sweep-budget-'));
  const workspace = await initWorkspace(folder);
  try {
    const recipe = { model: stories, data: { train: writeData(folder), validation_fraction: 0.25, max_sequence_length: 16 }, epochs: 200, batch_size: 2, eval_interval: 50, lora: { r: 2 } };
    assert.throws(() => parseSweepConfig({ recipe, space: { epochs: { int: [1, 2] } }, objective: { metric: 'accuracy' } }), (error: unknown) => error instanceof SlingError && error.field === 'objective.dataset');
    assert.throws(() => parseSweepConfig({ recipe, space: { 'lora.rank': { choice: [1] } } }), /unknown recipe key "lora.rank"/);
    const config = parseSweepConfig({ recipe, space: { 'lora.alpha': { choice: [2, 4, 8] } }, algorithm: 'grid', concurrency: 1, time_budget: 2 });
    const worker = new Worker(workspace, { kinds: ['sweep-trial'], pollIntervalMs: 50, heartbeatIntervalMs: 100 });
    const running = worker.run();
    const outcome = await runSweep(workspace, config, { pollIntervalMs: 100 });
    worker.stop();
    await running;
    assert.deepEqual(outcome.trials.map((trial) => trial.status), ['stopped']);
    assert.equal(outcome.best, null);
    assert.equal((outcome.sweep.summary as { stopReason: string }).stopReason, 'time-budget');
    assert.equal((await workspace.store.jobs.require(outcome.trials[0].jobId!)).status, 'cancelled');
  } finally {
    await workspace.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
