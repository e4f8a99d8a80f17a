import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '../../models/io/safetensors-read.ts';
import { deltaWeight, type LoraAdapter } from './lora-adapter.ts';
import { readPeftAdapter, writePeftAdapter } from './peft-adapter.ts';

function randomArray(length: number, seed: number): Float32Array {
  let x = seed;
  return Float32Array.from({ length }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5);
}

const base = { numHeads: 2, numKvHeads: 1, ropeConvention: 'interleaved' as const };
const adapter: LoraAdapter = {
  config: { r: 2, alpha: 4, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'down_proj'], useRslora: false, baseModel: 'stories260K.bin' },
  ropeConvention: 'interleaved',
  layers: new Map([
    ['model.layers.0.self_attn.q_proj', { a: randomArray(16, 1), b: randomArray(16, 2), inFeatures: 8, outFeatures: 8 }],
    ['model.layers.0.self_attn.k_proj', { a: randomArray(16, 3), b: randomArray(8, 4), inFeatures: 8, outFeatures: 4 }],
    ['model.layers.0.mlp.down_proj', { a: randomArray(24, 5), b: randomArray(16, 6), inFeatures: 12, outFeatures: 8 }],
  ]),
};

test('PEFT folder has the Hugging Face config keys and tensor names/shapes', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-peft-'));
  writePeftAdapter(folder, adapter, base);
  const config = JSON.parse(readFileSync(join(folder, 'adapter_config.json'), 'utf8'));
  assert.equal(config.peft_type, 'LORA');
  assert.equal(config.task_type, 'CAUSAL_LM');
  assert.equal(config.r, 2);
  assert.equal(config.lora_alpha, 4);
  assert.equal(config.bias, 'none');
  assert.equal(config.use_rslora, false);
  assert.deepEqual(config.target_modules, ['q_proj', 'k_proj', 'down_proj']);
  const { tensors } = readSafetensors(join(folder, 'adapter_model.safetensors'));
  assert.deepEqual(tensors.get('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight')?.shape, [2, 8]);
  assert.deepEqual(tensors.get('base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight')?.shape, [4, 2]);
  assert.deepEqual(tensors.get('base_model.model.model.layers.0.mlp.down_proj.lora_A.weight')?.shape, [2, 12]);
});

test('write → read gives back the same ΔW for every module (q/k rows converted both ways)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-peft-'));
  writePeftAdapter(folder, adapter, base);
  const loaded = readPeftAdapter(folder, base);
  assert.equal(loaded.layers.size, 3);
  for (const [module, pair] of adapter.layers) {
    assert.deepEqual(Array.from(deltaWeight(loaded.layers.get(module)!, 2)), Array.from(deltaWeight(pair, 2)), module);
  }
  // the file itself holds the q rows in HF 'half' order: for head size 4 the row order flips 1 and 2
  const { tensors } = readSafetensors(join(folder, 'adapter_model.safetensors'));
  const fileB = tensors.get('base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight')!.data as Float32Array;
  const ownB = adapter.layers.get('model.layers.0.self_attn.q_proj')!.b;
  assert.deepEqual(Array.from(fileB.subarray(2, 4)), Array.from(ownB.subarray(4, 6)));
});

test('bad adapter folders are errors naming the file and field', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-peft-'));
  writePeftAdapter(folder, adapter, base);
  writeFileSync(join(folder, 'adapter_config.json'), JSON.stringify({ peft_type: 'IA3', r: 2, lora_alpha: 4 }));
  assert.throws(() => readPeftAdapter(folder, base), /adapter_config\.json, field "peft_type": only LORA/);
  assert.throws(() => readPeftAdapter(join(folder, 'missing'), base), /no adapter_config\.json/);
});
