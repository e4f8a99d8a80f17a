/**
 * Export round trips on a short real LoRA run (stories260K): the PEFT export loads back to the same model
 * outputs, merged weights (W + s·B·A in float64) give the same logits as the LoRA layers, and merged
 * safetensors hold Hugging Face rotate-half q/k rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { permuteRopeRows } from '../../models/io/rope-layout.ts';
import { readSafetensors } from '../../models/io/safetensors-read.ts';
import { rawToF32 } from '../../models/io/raw-tensor.ts';
import { stories260KDir, stories260KSkip as skip } from '../../models/io/test-data.ts';
import { loadCheckpoint } from '../../models/load-checkpoint.ts';
import { modelFromCheckpoint } from '../../models/model-builders.ts';
import { noGrad } from '../../tensor/index.ts';
import { applyAdapter, loadAdapter } from '../adapter/apply-adapter.ts';
import { readPeftAdapter } from '../adapter/peft-adapter.ts';
import { validateRecipe } from '../recipe/load-recipe.ts';
import { runTraining } from '../train-run.ts';
import { exportRun, mergedCheckpoint } from './export-run.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-export-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

test('PEFT round trip, merged weights and merged safetensors agree with the trained adapter', { skip }, async () => {
  const modelPath = join(stories260KDir, 'stories260K.bin');
  writeFileSync(join(folder, 'train.jsonl'), Array.from({ length: 8 }, (_, i) => JSON.stringify({ prompt: `Once there was a frog number ${i}.`, completion: ' It jumped.' })).join('\n') + '\n');
  const recipe = validateRecipe({ model: modelPath, out: join(folder, 'run'), data: { train: join(folder, 'train.jsonl'), validation_fraction: 0 }, lora: { r: 4, alpha: 8 }, optimizer: { learning_rate: 5e-3 }, max_steps: 3, batch_size: 2, checkpoint_interval: 0 });
  await runTraining(recipe);
  const base = await loadCheckpoint(modelPath);
  const ids = Int32Array.from(base.tokenizer.encode('Once upon a time, a frog', { addBos: true }));
  const logitsOf = (model: ReturnType<typeof modelFromCheckpoint>) => noGrad(() => model.forward(ids, { batch: 1, seqLen: ids.length }).values);

  const trained = modelFromCheckpoint(base);
  applyAdapter(trained, loadAdapter(recipe.out, base.config));
  const expected = logitsOf(trained);
  assert.notDeepEqual(Array.from(expected), Array.from(logitsOf(modelFromCheckpoint(base))), 'the adapter changes the logits');

  await exportRun(recipe.out, 'peft', join(folder, 'peft'));
  const config = JSON.parse(readFileSync(join(folder, 'peft', 'adapter_config.json'), 'utf8'));
  assert.equal(config.base_model_name_or_path, modelPath);
  const reloaded = modelFromCheckpoint(base);
  applyAdapter(reloaded, readPeftAdapter(join(folder, 'peft'), base.config));
  assert.deepEqual(Array.from(logitsOf(reloaded)), Array.from(expected));

  const merged = await mergedCheckpoint(recipe.out);
  const mergedLogits = logitsOf(modelFromCheckpoint(merged));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(mergedLogits[i] - expected[i]));
  assert.ok(worst < 1e-4, `merged logits within 1e-4 (worst ${worst})`);

  const { files } = await exportRun(recipe.out, 'merged-safetensors', join(folder, 'merged'));
  const { tensors } = readSafetensors(files[0]);
  const hfQ = tensors.get('model.layers.0.self_attn.q_proj.weight')!;
  const ownQ = merged.tensors.get('model.layers.0.self_attn.q_proj.weight')!;
  assert.deepEqual(Array.from(rawToF32(permuteRopeRows(hfQ, base.config.headDim, 'half-to-interleaved'))), Array.from(rawToF32(ownQ)));
  assert.equal(JSON.parse(readFileSync(files[1], 'utf8')).num_key_value_heads, base.config.numKvHeads);
});
