/**
 * bf16 mixed precision (LoRA): the frozen base is stored as bf16 (its matmuls go through gemmBf16), adapters and
 * optimizer stay FP32, and the losses track the FP32 run closely.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stories260KDir, stories260KSkip as skip } from '../models/io/test-data.ts';
import { loadCheckpoint } from '../models/load-checkpoint.ts';
import { validateRecipe } from './recipe/load-recipe.ts';
import { MetricsLog } from './run-directory.ts';
import { setupModel } from './setup-model.ts';
import { runTraining } from './train-run.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-precision-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

test('LoRA with precision bf16 keeps the base in bf16 and follows the FP32 losses', { skip }, async () => {
  writeFileSync(join(folder, 'train.jsonl'), Array.from({ length: 8 }, (_, i) => JSON.stringify({ prompt: `Ben had ${i} toys.`, completion: ' He shared them.' })).join('\n') + '\n');
  const recipe = (precision: 'fp32' | 'bf16') => validateRecipe({ model: join(stories260KDir, 'stories260K.bin'), out: join(folder, precision), precision, data: { train: join(folder, 'train.jsonl'), validation_fraction: 0, packing: false }, lora: { r: 4 }, optimizer: { learning_rate: 5e-3 }, schedule: { warmup_ratio: 0 }, max_steps: 4, batch_size: 2, checkpoint_interval: 0 });
  const { model, trainable } = setupModel(await loadCheckpoint(join(stories260KDir, 'stories260K.bin')), recipe('bf16'));
  const stored = model.namedParameters().find(([name]) => name === 'model.layers.0.self_attn.q_proj.weight')![1];
  assert.equal(stored.dtype, 'bf16');
  assert.ok(trainable.every(({ tensor }) => tensor.dtype === 'float32'), 'adapters are float32');
  const losses = async (precision: 'fp32' | 'bf16') => {
    await runTraining(recipe(precision));
    return new MetricsLog(join(folder, precision, 'metrics.jsonl')).read().filter((record) => record.type === 'train').map((record) => (record as { loss: number }).loss);
  };
  const full = await losses('fp32');
  const half = await losses('bf16');
  assert.notDeepEqual(half, full, 'bf16 really changes the arithmetic');
  half.forEach((loss, i) => assert.ok(Math.abs(loss - full[i]) < 0.02 * full[i], `step ${i + 1}: bf16 ${loss} vs fp32 ${full[i]}`));
  assert.ok(half[3] < half[0], `bf16 loss falls: ${half}`);
});

test('bf16 full fine-tuning is refused with a clear error', { skip }, async () => {
  const recipe = validateRecipe({ model: join(stories260KDir, 'stories260K.bin'), out: join(folder, 'x'), method: 'full', precision: 'bf16', data: { train: 'unused.jsonl' } });
  await assert.rejects(async () => setupModel(await loadCheckpoint(recipe.model), recipe), /bf16 precision is supported for LoRA only/);
});
