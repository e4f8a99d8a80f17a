import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Linear, LoraLinear } from '../nn/index.ts';
import { noGrad, Random } from '../tensor/index.ts';
import { stories260KDir, stories260KSkip } from './io/test-data.ts';
import { loadCheckpoint } from './load-checkpoint.ts';
import { builderFor, createModel, modelFromCheckpoint } from './model-builders.ts';
import { checkpointFromModel } from './model-checkpoint.ts';
import { createTinyRandomModel, tinyRandomConfig } from './tiny-random.ts';

test('an unknown architecture is a SlingError naming it', () => {
  assert.throws(() => builderFor('gpt2'), (error: Error & { code?: string }) => error.code === 'model_unsupported_architecture' && /gpt2/.test(error.message));
});

test('a checkpoint missing a tensor or with a wrong shape names the tensor', () => {
  const { model, tokenizer } = createTinyRandomModel();
  const checkpoint = checkpointFromModel(model, tokenizer);
  checkpoint.tensors.delete('model.layers.2.mlp.up_proj.weight');
  assert.throws(() => modelFromCheckpoint(checkpoint), /model\.layers\.2\.mlp\.up_proj\.weight/);
  const reshaped = checkpointFromModel(model, tokenizer);
  const norm = reshaped.tensors.get('model.norm.weight')!;
  reshaped.tensors.set('model.norm.weight', { ...norm, shape: [64], data: (norm.data as Float32Array).slice(0, 64) });
  assert.throws(() => modelFromCheckpoint(reshaped), /model\.norm\.weight.*\[64\]/);
});

test('tiny-random is deterministic per seed and round-trips through a checkpoint', () => {
  const ids = Int32Array.from([256, 72, 105]);
  const first = noGrad(() => createTinyRandomModel({ seed: 4 }).model.forward(ids, { batch: 1, seqLen: 3 })).values;
  const again = noGrad(() => createTinyRandomModel({ seed: 4 }).model.forward(ids, { batch: 1, seqLen: 3 })).values;
  const other = noGrad(() => createTinyRandomModel({ seed: 5 }).model.forward(ids, { batch: 1, seqLen: 3 })).values;
  assert.deepEqual(first, again);
  assert.notDeepEqual(first, other);
  const { model, tokenizer } = createTinyRandomModel({ seed: 4 });
  const reloaded = modelFromCheckpoint(checkpointFromModel(model, tokenizer));
  assert.deepEqual(noGrad(() => reloaded.forward(ids, { batch: 1, seqLen: 3 })).values, first);
  assert.equal(tinyRandomConfig().numKvHeads, 2);
});

test('LoraLinear from engine/nn replaces a projection by its Hugging Face name; B = 0 keeps the output', () => {
  const model = createModel(tinyRandomConfig(), { seed: 1 });
  const ids = Int32Array.from([256, 1, 2, 3]);
  const before = noGrad(() => model.forward(ids, { batch: 1, seqLen: 4 })).values;
  model.replaceLinear('model.layers.1.self_attn.q_proj', (base) => new LoraLinear((base as Linear).weight, (base as Linear).bias, { r: 4, alpha: 8, dropout: 0, useRslora: false }, new Random(2)));
  const names = model.namedParameters().map(([name]) => name);
  assert.ok(names.includes('model.layers.1.self_attn.q_proj.lora_A.weight') && names.includes('model.layers.1.self_attn.q_proj.weight'));
  assert.deepEqual(noGrad(() => model.forward(ids, { batch: 1, seqLen: 4 })).values, before);
  assert.throws(() => model.replaceLinear('model.layers.9.self_attn.q_proj', (base) => base), /no linear module named/);
});

test('bf16 weights (frozen, gemmBf16) give logits close to float32 on stories260K', { skip: stories260KSkip }, async () => {
  const checkpoint = await loadCheckpoint(join(stories260KDir, 'stories260K.bin'));
  const ids = Int32Array.from(checkpoint.tokenizer.encode('Once upon a time', { addBos: true }));
  const f32 = noGrad(() => modelFromCheckpoint(checkpoint).forward(ids, { batch: 1, seqLen: ids.length })).values;
  const bf16Model = modelFromCheckpoint(checkpoint, { dtype: 'bf16' });
  assert.equal(bf16Model.layers[0].selfAttn.qProj instanceof Linear && (bf16Model.layers[0].selfAttn.qProj as Linear).weight.dtype, 'bf16');
  const bf16 = noGrad(() => bf16Model.forward(ids, { batch: 1, seqLen: ids.length })).values;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < f32.length; i++) {
    worst = Math.max(worst, Math.abs(f32[i] - bf16[i]));
    scale = Math.max(scale, Math.abs(f32[i]));
  }
  assert.ok(worst < 0.05 * scale, `max diff ${worst} at logit scale ${scale}`);
});
