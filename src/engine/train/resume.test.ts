/**
 * Exact resume, in process: a run stopped after step 3 (checkpoint on abort) and resumed gives the same loss
 * values, bit for bit, as an uninterrupted run with the same seed (dropout on, so the RNG state matters too),
 * for LoRA and full fine-tuning in FP32 and bf16 (full bf16: the bf16 copies are rebuilt from the loaded masters).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stories260KDir, stories260KSkip as skip } from '../models/io/test-data.ts';
import { validateRecipe } from './recipe/load-recipe.ts';
import { MetricsLog } from './run-directory.ts';
import { runTraining } from './train-run.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-resume-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

function recipeFor(out: string, method: 'lora' | 'full', precision: 'fp32' | 'bf16') {
  const data = join(folder, 'train.jsonl');
  if (!existsSync(data)) {
    const names = ['Tom', 'Lily', 'Sam', 'Mia', 'Ben', 'Sue', 'Max', 'Zoe'];
    writeFileSync(data, names.map((name) => JSON.stringify({ prompt: `${name} saw a cat.`, completion: ` ${name} was happy.` })).join('\n') + '\n');
  }
  return validateRecipe({
    model: join(stories260KDir, 'stories260K.bin'), out, method, precision, data: { train: data, validation_fraction: 0.25, max_sequence_length: 32 },
    lora: { r: 2, dropout: 0.1 }, optimizer: { learning_rate: 1e-3, weight_decay: 0.01 }, max_steps: 5, batch_size: 2, eval_interval: 2, checkpoint_interval: 0, early_stopping_patience: 0,
  });
}

const losses = (out: string) => new MetricsLog(join(out, 'metrics.jsonl')).read().filter((record) => record.type === 'train' || record.type === 'validation').map((record) => `${record.type}@${record.step}=${(record as { loss: number }).loss}`);

for (const [method, precision] of [['lora', 'fp32'], ['full', 'fp32'], ['lora', 'bf16'], ['full', 'bf16']] as const) {
  test(`${method} ${precision}: stop after step 3 and resume gives exactly the uninterrupted losses`, { skip }, async () => {
    const straight = join(folder, `${method}-${precision}-straight`);
    await runTraining(recipeFor(straight, method, precision));
    const interrupted = join(folder, `${method}-${precision}-interrupted`);
    const controller = new AbortController();
    const first = await runTraining(recipeFor(interrupted, method, precision), { signal: controller.signal, onProgress: ({ step }) => void (step === 3 && controller.abort()) });
    assert.equal(first.stopReason, 'aborted');
    assert.equal(first.steps, 3);
    const second = await runTraining(recipeFor(interrupted, method, precision), { resume: true });
    assert.equal(second.resumedFromStep, 3);
    assert.equal(second.steps, 5);
    assert.equal(losses(straight).length, 5 + 4, "5 steps, validation at steps 0, 2, 4, 5");
    assert.deepEqual(losses(interrupted), losses(straight));
  });
}
