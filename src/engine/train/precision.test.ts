/**
 * bf16 mixed precision. LoRA: the frozen base is stored as bf16 (its matmuls go through gemmBf16), adapters and
 * optimizer stay FP32. Full fine-tuning: FP32 master weights and AdamW, each projection's forward and dx through
 * a bf16 copy. The losses track the FP32 run (LoRA within 2% per step, full within 2.5%).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stories260KDir, stories260KSkip as skip } from '../models/io/test-data.ts';
import { readSafetensors } from '../models/io/safetensors-read.ts';
import { loadCheckpoint } from '../models/load-checkpoint.ts';
import { MixedPrecisionLinear } from '../nn/mixed-precision-linear.ts';
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

test('full fine-tuning with precision bf16: FP32 masters, bf16 copies for the projections, losses fall and track FP32', { skip }, async () => {
  const recipe = (precision: 'fp32' | 'bf16') => validateRecipe({ model: join(stories260KDir, 'stories260K.bin'), out: join(folder, `full-${precision}`), method: 'full', precision, data: { train: join(folder, 'train.jsonl'), validation_fraction: 0, packing: false }, optimizer: { learning_rate: 1e-3 }, schedule: { warmup_ratio: 0 }, max_steps: 6, batch_size: 2, checkpoint_interval: 0 });
  const checkpoint = await loadCheckpoint(join(stories260KDir, 'stories260K.bin'));
  const fp32 = setupModel(checkpoint, recipe('fp32'));
  const { model, trainable, mixedPrecisionLayers } = setupModel(checkpoint, recipe('bf16'));
  assert.equal(mixedPrecisionLayers.length, model.linearModules().length);
  assert.ok(model.linearModules().every(([, layer]) => layer instanceof MixedPrecisionLinear));
  assert.deepEqual(trainable.map(({ name }) => name), fp32.trainable.map(({ name }) => name), 'the same trainable tensors under the same names');
  assert.ok(trainable.every(({ tensor }) => tensor.dtype === 'float32' && tensor.requiresGrad), 'masters (embedding and norms included) are float32');
  const losses = async (precision: 'fp32' | 'bf16') => {
    const summary = await runTraining(recipe(precision));
    assert.equal(summary.steps, 6);
    return new MetricsLog(join(folder, `full-${precision}`, 'metrics.jsonl')).read().filter((record) => record.type === 'train').map((record) => (record as { loss: number }).loss);
  };
  const full = await losses('fp32');
  const half = await losses('bf16');
  assert.notDeepEqual(half, full, 'bf16 really changes the arithmetic');
  // measured here: at most 1.5% apart (step 3, while the loss drops from 4.46 to 1.1); bf16 rounds weights (and,
  // on AVX512-BF16/AMX, activations) to 8 significant bits, so the runs drift apart a little
  half.forEach((loss, i) => assert.ok(Math.abs(loss - full[i]) < 0.025 * full[i], `step ${i + 1}: bf16 ${loss} vs fp32 ${full[i]}`));
  assert.ok(half[5] < 0.5 * half[0], `bf16 loss falls: ${half}`);
  // the saved model holds the FP32 masters
  const saved = readSafetensors(join(folder, 'full-bf16', 'model', 'model.safetensors')).tensors.get('model.layers.0.self_attn.q_proj.weight')!;
  assert.equal(saved.dtype, 'f32');
});
