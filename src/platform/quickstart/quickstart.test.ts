/**
 * The main job end to end at a tiny size, offline: real SpamAssassin rows, a real (short) training job, a real
 * evaluation of four models and the HTML report. Quality is not asserted here — the untrained fallback after a
 * few steps knows nothing — only that every stage ran and recorded what it should.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runQuickstart } from './quickstart.ts';

test('quickstart runs import → train job → evaluation → report offline on tiny-random', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sling-quickstart-'));
  const lines: string[] = [];
  try {
    const result = await runQuickstart({
      directory,
      trainSize: 16,
      testSize: 8,
      epochs: 1,
      maxSteps: 2,
      seed: 7,
      maxBodyChars: 60,
      offline: true,
      log: (line) => lines.push(line),
    });
    const { store } = result.workspace;
    try {
      assert.equal(result.base.untrained, true);
      assert.match(lines.join('\n'), /Falling back to tiny-random/);
      assert.equal(result.trainJob.status, 'succeeded');
      const trainRows = await store.datasets.readRows((await store.datasets.getVersion((await store.datasets.getDataset('spam-assassin'))!.id))!.id, { split: 'test' });
      assert.equal(trainRows.length, 8);
      assert.deepEqual(new Set(trainRows.map((row) => row.label)), new Set(['spam', 'ham']));
      const evaluation = await store.evaluations.require(result.evaluationId);
      assert.equal(evaluation.status, 'succeeded');
      const outputs = await store.evaluations.outputs(result.evaluationId);
      assert.equal(outputs.length, 4 * 8);
      assert.deepEqual(new Set(outputs.map((output) => output.modelName)), new Set(['tiny-random', result.tunedModel, 'baseline:tfidf', 'baseline:majority']));
      assert.ok((await store.jobs.metrics(result.trainJob.id, 'train_loss')).length >= 1);
      assert.ok(existsSync(result.reportPath));
      assert.match(readFileSync(result.reportPath, 'utf8'), /new Chart\(|Chart\(/);
      assert.match(result.table, /baseline:tfidf/);
    } finally {
      await result.workspace.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
