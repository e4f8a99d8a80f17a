import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHfConfig } from './config.ts';

// Abridged from the published config.json of SmolLM2-135M (llama), Llama-3.2-1B, Qwen2.5-0.5B and Qwen3-0.6B.
const smollm = { architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 49152, hidden_size: 576, intermediate_size: 1536, num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, max_position_embeddings: 8192, rms_norm_eps: 1e-5, rope_theta: 100000, tie_word_embeddings: true, bos_token_id: 0, eos_token_id: 0 };
const llama32 = { architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 128256, hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 16, num_attention_heads: 32, num_key_value_heads: 8, head_dim: 64, max_position_embeddings: 131072, rms_norm_eps: 1e-5, rope_theta: 500000, rope_scaling: { factor: 32, high_freq_factor: 4, low_freq_factor: 1, original_max_position_embeddings: 8192, rope_type: 'llama3' }, tie_word_embeddings: true, bos_token_id: 128000, eos_token_id: [128001, 128008, 128009] };
const qwen25 = { architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', vocab_size: 151936, hidden_size: 896, intermediate_size: 4864, num_hidden_layers: 24, num_attention_heads: 14, num_key_value_heads: 2, max_position_embeddings: 32768, rms_norm_eps: 1e-6, rope_theta: 1000000, sliding_window: 32768, use_sliding_window: false, tie_word_embeddings: true, eos_token_id: 151643 };
const qwen3 = { architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', vocab_size: 151936, hidden_size: 1024, intermediate_size: 3072, num_hidden_layers: 28, num_attention_heads: 16, num_key_value_heads: 8, head_dim: 128, max_position_embeddings: 40960, rms_norm_eps: 1e-6, rope_theta: 1000000, attention_bias: false, tie_word_embeddings: true, eos_token_id: 151645 };

test('classic llama keys (SmolLM2)', () => {
  const config = parseHfConfig(smollm, 'config.json');
  assert.deepEqual(config, {
    architecture: 'llama', vocabSize: 49152, hiddenSize: 576, intermediateSize: 1536, numLayers: 30, numHeads: 9, numKvHeads: 3, headDim: 64,
    maxPositionEmbeddings: 8192, rmsNormEps: 1e-5, ropeTheta: 100000, ropeScaling: undefined, ropeConvention: 'half', tieWordEmbeddings: true,
    attentionBias: false, qkNorm: false, slidingWindow: undefined, bosTokenId: 0, eosTokenIds: [0],
  });
});

test('llama3 rope scaling, in the classic rope_scaling and the newer rope_parameters form', () => {
  const expected = { type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 };
  const classic = parseHfConfig(llama32, 'config.json');
  assert.deepEqual(classic.ropeScaling, expected);
  assert.equal(classic.ropeTheta, 500000);
  assert.deepEqual(classic.eosTokenIds, [128001, 128008, 128009]);
  const { rope_scaling: scaling, rope_theta: theta, ...rest } = llama32;
  const modern = parseHfConfig({ ...rest, rope_parameters: { ...scaling, rope_theta: theta } }, 'config.json');
  assert.deepEqual(modern, classic);
  assert.deepEqual(parseHfConfig({ ...smollm, rope_scaling: { type: 'linear', factor: 2 } }, 'c.json').ropeScaling, { type: 'linear', factor: 2 });
  assert.equal(parseHfConfig({ ...smollm, rope_theta: undefined, rope_parameters: { rope_type: 'default', rope_theta: 1234 } }, 'c.json').ropeTheta, 1234);
});

test('family traits: qwen2 q/k/v bias, qwen3 q/k norm, mistral sliding window', () => {
  const q2 = parseHfConfig(qwen25, 'config.json');
  assert.equal(q2.architecture, 'qwen2');
  assert.equal(q2.attentionBias, true);
  assert.equal(q2.slidingWindow, undefined, 'use_sliding_window is false');
  const q3 = parseHfConfig(qwen3, 'config.json');
  assert.equal(q3.architecture, 'qwen3');
  assert.equal(q3.qkNorm, true);
  assert.equal(q3.headDim, 128);
  const mistral = parseHfConfig({ ...smollm, model_type: 'mistral', architectures: ['MistralForCausalLM'], sliding_window: 4096 }, 'config.json');
  assert.equal(mistral.architecture, 'mistral');
  assert.equal(mistral.slidingWindow, 4096);
  // model_type missing: the architectures list decides.
  assert.equal(parseHfConfig({ ...qwen3, model_type: undefined }, 'c.json').architecture, 'qwen3');
});

test('missing keys and unknown architectures are SlingErrors naming the file and key', () => {
  const { hidden_size: _, ...noHidden } = smollm;
  assert.throws(() => parseHfConfig(noHidden, '/models/x/config.json'), (error: Error & { code?: string; field?: string }) =>
    error.code === 'model_config_missing_key' && error.field === 'hidden_size' && error.message.includes('/models/x/config.json') && error.message.includes('hidden_size'));
  assert.throws(() => parseHfConfig({ ...smollm, model_type: 'gpt_neox', architectures: ['GPTNeoXForCausalLM'] }, 'config.json'), (error: Error & { code?: string }) =>
    error.code === 'model_unsupported_architecture' && error.message.includes('gpt_neox') && error.message.includes('config.json'));
  assert.throws(() => parseHfConfig({ ...smollm, rope_scaling: { rope_type: 'yarn', factor: 4 } }, 'config.json'), /yarn/);
  assert.throws(() => parseHfConfig({ ...smollm, num_hidden_layers: '30' }, 'config.json'), /num_hidden_layers/);
});
