/**
 * @module engine/train/export/hf-config
 * A Hugging Face `config.json` for a LlamaConfig, so merged safetensors load in transformers and in Sling.
 */
import type { LlamaConfig } from '../../models/config.ts';

const classes: Record<string, string> = { llama: 'LlamaForCausalLM', mistral: 'MistralForCausalLM', qwen2: 'Qwen2ForCausalLM', qwen3: 'Qwen3ForCausalLM' };

export function hfConfigJson(config: LlamaConfig): Record<string, unknown> {
  return {
    architectures: [classes[config.architecture] ?? 'LlamaForCausalLM'],
    model_type: config.architecture,
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.numLayers,
    num_attention_heads: config.numHeads,
    num_key_value_heads: config.numKvHeads,
    head_dim: config.headDim,
    max_position_embeddings: config.maxPositionEmbeddings,
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    tie_word_embeddings: config.tieWordEmbeddings,
    attention_bias: config.attentionBias,
    hidden_act: 'silu',
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenIds.length === 1 ? config.eosTokenIds[0] : config.eosTokenIds,
    torch_dtype: 'float32',
    ...(config.slidingWindow ? { sliding_window: config.slidingWindow } : {}),
  };
}
