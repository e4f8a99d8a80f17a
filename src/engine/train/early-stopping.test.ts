import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stories260KDir, stories260KSkip as skip } from '../models/io/test-data.ts';
import { validateRecipe } from './recipe/load-recipe.ts';
import { MetricsLog } from './run-directory.ts';
import { runTraining } from './train-run.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-early-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

test('early stopping ends the run after `patience` evaluations without improvement', { skip }, async () => {
  writeFileSync(join(folder, 'train.jsonl'), Array.from({ length: 12 }, (_, i) => JSON.stringify({ prompt: `Day ${i}:`, completion: ' sun.' })).join('\n') + '\n');
  // a learning rate far below float32 resolution leaves the validation loss exactly flat
  const summary = await runTraining(validateRecipe({
    model: join(stories260KDir, 'stories260K.bin'), out: join(folder, 'run'), data: { train: join(folder, 'train.jsonl'), validation_fraction: 0.25, packing: false },
    lora: { r: 2, dropout: 0 }, optimizer: { learning_rate: 1e-30 }, max_steps: 10, batch_size: 1, eval_interval: 1, early_stopping_patience: 2, checkpoint_interval: 0,
  }));
  assert.equal(summary.stopReason, 'early-stopping');
  assert.equal(summary.steps, 2);
  const events = new MetricsLog(join(folder, 'run', 'metrics.jsonl')).read().filter((record) => record.type === 'event');
  assert.match((events[0] as { message: string }).message, /early stopping/);
});
