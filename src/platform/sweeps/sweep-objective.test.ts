/**
 * A sweep whose objective is an evaluation metric: accuracy on a stored dataset's test split, maximised. Two
 * trials (a learning rate too small to move the model, and one that teaches it the majority answer) train
 * stories260K for 30 steps on the dataset's train rows; each trial's objective must equal the accuracy recomputed
 * here from the evaluation's stored outputs and the dataset's labels, and the ranking must follow the goal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arraySource, importRows } from '../data/import.ts';
import { Worker } from '../jobs/worker.ts';
import { initWorkspace } from '../workspace/workspace.ts';
import { parseSweepConfig, rankTrials, runSweep, trialModelName } from './index.ts';

const stories = fileURLToPath(new URL('../../../../shared/data/stories260K/stories260K.bin', import.meta.url));
const skip = existsSync(stories) ? false : `${stories} is absent`;

/**
 * "Tom had 3 apples." → alpha, "Tom lost 3 apples." → omega; 12 + 4 train rows, 6 + 2 test rows. Labels a
 * TinyStories model never writes by itself, so the untrained trial scores 0 and the trained one does not.
 */
function moodRows(): { messages: { role: string; content: string }[]; label: string; split: string }[] {
  const row = (verb: string, count: number, split: string) => {
    const label = verb === 'had' ? 'alpha' : 'omega';
    return { messages: [{ role: 'user', content: `Tom ${verb} ${count} apples.` }, { role: 'assistant', content: label }], label, split };
  };
  return [
    ...Array.from({ length: 12 }, (_, i) => row('had', i, 'train')),
    ...Array.from({ length: 4 }, (_, i) => row('lost', i, 'train')),
    ...Array.from({ length: 6 }, (_, i) => row('had', 20 + i, 'test')),
    ...Array.from({ length: 2 }, (_, i) => row('lost', 20 + i, 'test')),
  ];
}

/** The first word of the answer (a run of letters and digits) that is a label: what the model said. */
function predictedLabel(output: string, labels: string[]): string | null {
  return output.toLowerCase().split(/[^\p{L}\p{N}]+/u).find((word) => labels.includes(word)) ?? null;
}

test('a sweep maximises test accuracy: each objective is the accuracy of its stored evaluation, best first', { skip }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-sweep-objective-'));
  const workspace = await initWorkspace(folder);
  try {
    const rows = moodRows();
    const { version } = await importRows(workspace.store, arraySource(rows), { name: 'moods', sourceName: 'moods' });
    const train = join(folder, 'train.jsonl');
    writeFileSync(train, rows.filter((row) => row.split === 'train').map((row) => JSON.stringify({ messages: row.messages })).join('\n') + '\n');
    const config = parseSweepConfig({
      name: 'accuracy',
      recipe: { model: stories, data: { train, max_sequence_length: 32 }, max_steps: 30, batch_size: 4, lora: { r: 4 } },
      space: { 'optimizer.learning_rate': { choice: [1e-6, 5e-3] } },
      algorithm: 'grid',
      concurrency: 2,
      objective: { metric: 'accuracy', dataset: 'moods' },
    });
    assert.equal(config.objective.goal, 'maximize');
    const workers = [0, 1].map(() => new Worker(workspace, { kinds: ['sweep-trial'], pollIntervalMs: 20, heartbeatIntervalMs: 200 }));
    const running = workers.map((worker) => worker.run());
    const outcome = await runSweep(workspace, config, { pollIntervalMs: 20 });
    workers.forEach((worker) => worker.stop());
    await Promise.all(running);

    assert.deepEqual(outcome.trials.map((trial) => trial.status), ['succeeded', 'succeeded'], JSON.stringify(outcome.trials.map((trial) => trial.result)));
    const labels = new Map<string, string>();
    for await (const stored of workspace.store.datasets.iterateRows(version.id, { split: 'test' })) labels.set(stored.contentHash, stored.label!);
    assert.equal(labels.size, 8);
    for (const trial of outcome.trials) {
      const evaluationId = trial.result!.evaluationId as number;
      const evaluation = await workspace.store.evaluations.require(evaluationId);
      assert.equal(evaluation.datasetVersionId, version.id);
      const outputs = await workspace.store.evaluations.outputs(evaluationId, trialModelName(outcome.sweep.id, trial.number));
      assert.deepEqual(outputs.map((output) => output.rowId).sort(), [...labels.keys()].sort(), 'every test row answered once');
      const correct = outputs.filter((output) => predictedLabel(output.output, ['alpha', 'omega']) === labels.get(output.rowId)).length;
      assert.equal(trial.objective, correct / outputs.length, `trial ${trial.number}: ${JSON.stringify(outputs.map((output) => output.output))}`);
      assert.equal((trial.result!.metrics as Record<string, number>).accuracy, trial.objective);
    }

    const [untrained, trained] = outcome.trials;
    assert.ok(trained.objective! > untrained.objective!, `the trained trial answers better (${trained.objective} vs ${untrained.objective})`);
    assert.equal(outcome.best?.id, trained.id, 'maximise: the higher accuracy wins');
    assert.equal(outcome.sweep.bestTrialId, trained.id);
    assert.deepEqual(rankTrials(outcome.trials, 'maximize').map((trial) => trial.id), [trained.id, untrained.id]);
    assert.deepEqual(rankTrials(outcome.trials, 'minimize').map((trial) => trial.id), [untrained.id, trained.id], 'minimise: the lower value first');
  } finally {
    await workspace.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
