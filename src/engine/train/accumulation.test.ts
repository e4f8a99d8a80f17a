/**
 * Gradient accumulation divides by the completion tokens of the whole optimizer step, so two micro-batches of
 * one sequence give the same update as one micro-batch of two (up to float rounding).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stories260KDir, stories260KSkip as skip } from '../models/io/test-data.ts';
import { validateRecipe } from './recipe/load-recipe.ts';
import { MetricsLog } from './run-directory.ts';
import { runTraining } from './train-run.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-accumulation-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

test('batch 2 × accumulation 1 equals batch 1 × accumulation 2', { skip }, async () => {
  writeFileSync(join(folder, 'train.jsonl'), ['Tim ran.', 'A big red ball was on the grass near the tree.', 'Sue sang a song.', 'The cat slept.'].map((text, i) => JSON.stringify({ prompt: `Story ${i}:`, completion: ` ${text}` })).join('\n') + '\n');
  const run = async (batch: number, accumulation: number) => {
    const out = join(folder, `b${batch}a${accumulation}`);
    await runTraining(validateRecipe({
      model: join(stories260KDir, 'stories260K.bin'), out, data: { train: join(folder, 'train.jsonl'), validation_fraction: 0, packing: false },
      lora: { r: 4, dropout: 0 }, optimizer: { learning_rate: 1e-2 }, schedule: { kind: 'constant', warmup_ratio: 0 },
      batch_size: batch, gradient_accumulation: accumulation, max_steps: 3, checkpoint_interval: 0,
    }));
    return new MetricsLog(join(out, 'metrics.jsonl')).read().filter((record) => record.type === 'train') as { loss: number; gradNorm: number }[];
  };
  const together = await run(2, 1);
  const accumulated = await run(1, 2);
  assert.equal(together.length, 3);
  together.forEach((record, i) => {
    assert.ok(Math.abs(record.loss - accumulated[i].loss) < 1e-5, `step ${i + 1} loss ${record.loss} vs ${accumulated[i].loss}`);
    assert.ok(Math.abs(record.gradNorm - accumulated[i].gradNorm) < 1e-5 * Math.max(1, record.gradNorm), `step ${i + 1} grad norm`);
  });
});
