/**
 * @module engine/models/io/test-checkpoint
 * Test helper: a small random Checkpoint (seeded) with every tensor a Llama-family model has.
 */
import type { LlamaConfig } from '../config.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import type { Checkpoint } from './checkpoint.ts';
import type { RawTensor } from './raw-tensor.ts';

export function tinyConfig(overrides: Partial<LlamaConfig> = {}): LlamaConfig {
  return {
    architecture: 'llama', vocabSize: 512, hiddenSize: 32, intermediateSize: 48, numLayers: 2, numHeads: 4, numKvHeads: 2,
    headDim: 8, maxPositionEmbeddings: 128, rmsNormEps: 1e-5, ropeTheta: 10000, ropeConvention: 'half',
    tieWordEmbeddings: false, attentionBias: false, qkNorm: false, bosTokenId: 1, eosTokenIds: [2],
    ...overrides,
  };
}

export function randomCheckpoint(config: LlamaConfig, tokenizer: Tokenizer, seed = 1): Checkpoint {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.2;
  const tensor = (shape: number[]): RawTensor => ({ dtype: 'f32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, random) });
  const { hiddenSize: hidden, intermediateSize: inner, headDim, numHeads, numKvHeads } = config;
  const tensors = new Map<string, RawTensor>([['model.embed_tokens.weight', tensor([config.vocabSize, hidden])]]);
  for (let layer = 0; layer < config.numLayers; layer++) {
    const prefix = `model.layers.${layer}.`;
    tensors.set(prefix + 'input_layernorm.weight', tensor([hidden]));
    tensors.set(prefix + 'self_attn.q_proj.weight', tensor([numHeads * headDim, hidden]));
    tensors.set(prefix + 'self_attn.k_proj.weight', tensor([numKvHeads * headDim, hidden]));
    tensors.set(prefix + 'self_attn.v_proj.weight', tensor([numKvHeads * headDim, hidden]));
    if (config.attentionBias) {
      tensors.set(prefix + 'self_attn.q_proj.bias', tensor([numHeads * headDim]));
      tensors.set(prefix + 'self_attn.k_proj.bias', tensor([numKvHeads * headDim]));
      tensors.set(prefix + 'self_attn.v_proj.bias', tensor([numKvHeads * headDim]));
    }
    if (config.qkNorm) {
      tensors.set(prefix + 'self_attn.q_norm.weight', tensor([headDim]));
      tensors.set(prefix + 'self_attn.k_norm.weight', tensor([headDim]));
    }
    tensors.set(prefix + 'self_attn.o_proj.weight', tensor([hidden, numHeads * headDim]));
    tensors.set(prefix + 'post_attention_layernorm.weight', tensor([hidden]));
    tensors.set(prefix + 'mlp.gate_proj.weight', tensor([inner, hidden]));
    tensors.set(prefix + 'mlp.up_proj.weight', tensor([inner, hidden]));
    tensors.set(prefix + 'mlp.down_proj.weight', tensor([hidden, inner]));
  }
  tensors.set('model.norm.weight', tensor([hidden]));
  if (!config.tieWordEmbeddings) tensors.set('lm_head.weight', tensor([config.vocabSize, hidden]));
  return { config, tensors, tokenizer, source: 'random', format: 'hf' };
}
