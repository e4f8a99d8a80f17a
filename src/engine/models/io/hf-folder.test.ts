import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../load-checkpoint.ts';
import { readLlama2cTokenizer } from '../tokenizer/llama2c-tokenizer.ts';
import { llamaTokenizerJson } from '../tokenizer/spm-to-hf.ts';
import { convertRaw } from './raw-tensor.ts';
import { writeSafetensors } from './safetensors-write.ts';
import { randomCheckpoint, tinyConfig } from './test-checkpoint.ts';
import { stories260KDir, stories260KSkip as skip } from './test-data.ts';

const root = mkdtempSync(join(tmpdir(), 'sling-hf-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const configJson = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 512, hidden_size: 32, intermediate_size: 48, num_hidden_layers: 2,
  num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 128, rms_norm_eps: 1e-5, rope_theta: 10000,
  tie_word_embeddings: false, bos_token_id: 1, eos_token_id: 2, torch_dtype: 'bfloat16',
};
const chatTemplate = "{% for message in messages %}{{ message['role'] + ': ' + message['content'] + '\\n' }}{% endfor %}";

/** A Hugging Face style folder: sharded bf16 safetensors + index, tokenizer files, generation config. */
function writeFolder(name: string, overrides: Record<string, unknown> = {}) {
  const folder = join(root, name);
  mkdirSync(folder);
  const spm = readLlama2cTokenizer(stories260KDir + 'tok512.bin', 512);
  const checkpoint = randomCheckpoint(tinyConfig(), spm, 3);
  const names = [...checkpoint.tensors.keys()];
  const shards = [names.slice(0, 10), names.slice(10)];
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, index) => {
    const file = `model-0000${index + 1}-of-00002.safetensors`;
    writeSafetensors(join(folder, file), new Map(shard.map((tensor) => [tensor, convertRaw(checkpoint.tensors.get(tensor)!, 'bf16')])), { format: 'pt' });
    for (const tensor of shard) weightMap[tensor] = file;
  });
  writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  writeFileSync(join(folder, 'config.json'), JSON.stringify({ ...configJson, ...overrides }));
  writeFileSync(join(folder, 'generation_config.json'), JSON.stringify({ bos_token_id: 1, eos_token_id: [2, 5], temperature: 0.7 }));
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(llamaTokenizerJson(spm)));
  writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify({ bos_token: spm.vocabulary.pieces[1], eos_token: { content: spm.vocabulary.pieces[2] }, chat_template: chatTemplate, clean_up_tokenization_spaces: false }));
  return { folder, checkpoint, spm };
}

test('a Hugging Face folder with sharded bf16 safetensors loads with its config, tokenizer, template and generation config', { skip }, async () => {
  const { folder, checkpoint, spm } = writeFolder('sharded');
  const loaded = await loadCheckpoint(folder);
  assert.equal(loaded.format, 'hf');
  assert.deepEqual({ ...loaded.config, ropeScaling: undefined, slidingWindow: undefined }, { ...checkpoint.config, eosTokenIds: [2, 5], ropeScaling: undefined, slidingWindow: undefined });
  assert.equal(loaded.tensors.size, checkpoint.tensors.size);
  for (const [name, tensor] of checkpoint.tensors) assert.deepEqual(loaded.tensors.get(name), convertRaw(tensor, 'bf16'), name);
  assert.equal(loaded.chatTemplate, chatTemplate);
  assert.equal(loaded.generationConfig?.temperature, 0.7);
  assert.deepEqual(loaded.tokenizer.encode('Once upon a time', { addBos: true }), spm.encode('Once upon a time', { addBos: true }));
});

test('bad folders: missing config key, unknown architecture, tokenizer larger than the model, missing weights', { skip }, async () => {
  const expectError = async (folder: string, code: string, pattern: RegExp) => {
    await assert.rejects(loadCheckpoint(folder), (error: Error & { code?: string }) => error.code === code && pattern.test(error.message));
  };
  await expectError(writeFolder('no-layers', { num_hidden_layers: undefined }).folder, 'model_config_missing_key', /no-layers\/config\.json.*num_hidden_layers/);
  await expectError(writeFolder('phi', { model_type: 'phi3', architectures: ['Phi3ForCausalLM'] }).folder, 'model_unsupported_architecture', /phi\/config\.json.*phi3/);
  await expectError(writeFolder('small-vocab', { vocab_size: 256 }).folder, 'tokenizer_mismatch', /tokenizer\.json.*512 tokens.*256/);
  const { folder } = writeFolder('no-weights');
  rmSync(join(folder, 'model.safetensors.index.json'));
  await expectError(folder, 'model_file_missing', /no model\.safetensors/);
  await expectError(join(root, 'absent'), 'model_not_found', /absent/);
});
