/**
 * @module engine/models/io/gguf-config
 * GGUF metadata (`{arch}.*` keys) to LlamaConfig, and back for the writer. llama.cpp's converter permutes
 * the q/k rows of 'llama' models into the adjacent-pair RoPE layout, so those load as 'interleaved'; qwen2
 * and qwen3 use NEOX (rotate-half) RoPE and keep the HF layout ('half').
 */
import { SlingError } from '../../../core/errors.ts';
import type { LlamaConfig } from '../config.ts';
import { ggufTyped } from './gguf-write.ts';

export type GgufMetadata = Record<string, unknown>;

const ggufFamilies: Record<string, { family: string; ropeConvention: 'half' | 'interleaved' }> = {
  llama: { family: 'llama', ropeConvention: 'interleaved' },
  mistral: { family: 'mistral', ropeConvention: 'interleaved' },
  qwen2: { family: 'qwen2', ropeConvention: 'half' },
  qwen3: { family: 'qwen3', ropeConvention: 'half' },
};

/** `tensorNames` are the GGUF names present: they tell tied embeddings, q/k/v bias and q/k norm apart. */
export function configFromGguf(metadata: GgufMetadata, tensorNames: Set<string>, file: string): LlamaConfig {
  const arch = String(metadata['general.architecture'] ?? '');
  const traits = ggufFamilies[arch];
  if (!traits) {
    throw new SlingError('model_unsupported_architecture', `unsupported GGUF architecture "${arch || 'none given'}"`, { file, field: 'general.architecture', hint: `supported: ${Object.keys(ggufFamilies).join(', ')}` });
  }
  const read = (key: string, fallback?: number): number => {
    const value = metadata[`${arch}.${key}`];
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    if (fallback !== undefined) return fallback;
    throw new SlingError('model_config_missing_key', `required metadata key "${arch}.${key}" is missing`, { file, field: `${arch}.${key}` });
  };
  const tokens = metadata['tokenizer.ggml.tokens'];
  const hiddenSize = read('embedding_length');
  const numHeads = read('attention.head_count');
  const headDim = read('attention.key_length', hiddenSize / numHeads);
  if (read('rope.dimension_count', headDim) !== headDim) {
    throw new SlingError('model_unsupported_rope', `partial RoPE (${arch}.rope.dimension_count ${read('rope.dimension_count')} of head size ${headDim}) is not supported`, { file, field: `${arch}.rope.dimension_count` });
  }
  const scalingType = metadata[`${arch}.rope.scaling.type`];
  const eos = metadata['tokenizer.ggml.eos_token_id'];
  const bos = metadata['tokenizer.ggml.bos_token_id'];
  const slidingWindow = metadata[`${arch}.attention.sliding_window`];
  return {
    architecture: traits.family,
    vocabSize: read('vocab_size', Array.isArray(tokens) ? tokens.length : undefined),
    hiddenSize,
    intermediateSize: read('feed_forward_length'),
    numLayers: read('block_count'),
    numHeads,
    numKvHeads: read('attention.head_count_kv', numHeads),
    headDim,
    maxPositionEmbeddings: read('context_length'),
    rmsNormEps: read('attention.layer_norm_rms_epsilon'),
    ropeTheta: read('rope.freq_base', 10000),
    ropeScaling: scalingType === 'linear' ? { type: 'linear', factor: read('rope.scaling.factor') } : undefined,
    ropeConvention: traits.ropeConvention,
    tieWordEmbeddings: !tensorNames.has('output.weight'),
    attentionBias: tensorNames.has('blk.0.attn_q.bias'),
    qkNorm: tensorNames.has('blk.0.attn_q_norm.weight'),
    slidingWindow: typeof slidingWindow === 'number' ? slidingWindow : undefined,
    bosTokenId: typeof bos === 'number' ? bos : undefined,
    eosTokenIds: typeof eos === 'number' ? [eos] : [],
  };
}

/** The `{arch}.*` metadata llama.cpp needs for a config (the writer's half of configFromGguf). */
export function ggufMetadataFromConfig(config: LlamaConfig): GgufMetadata {
  const arch = config.architecture === 'mistral' ? 'llama' : config.architecture;
  const metadata: GgufMetadata = {
    'general.architecture': arch,
    [`${arch}.context_length`]: config.maxPositionEmbeddings,
    [`${arch}.embedding_length`]: config.hiddenSize,
    [`${arch}.block_count`]: config.numLayers,
    [`${arch}.feed_forward_length`]: config.intermediateSize,
    [`${arch}.attention.head_count`]: config.numHeads,
    [`${arch}.attention.head_count_kv`]: config.numKvHeads,
    [`${arch}.attention.key_length`]: config.headDim,
    [`${arch}.attention.value_length`]: config.headDim,
    [`${arch}.attention.layer_norm_rms_epsilon`]: ggufTyped.scalar('f32', config.rmsNormEps),
    [`${arch}.rope.freq_base`]: ggufTyped.scalar('f32', config.ropeTheta),
    [`${arch}.rope.dimension_count`]: config.headDim,
    [`${arch}.vocab_size`]: config.vocabSize,
  };
  if (config.ropeScaling?.type === 'linear') {
    metadata[`${arch}.rope.scaling.type`] = 'linear';
    metadata[`${arch}.rope.scaling.factor`] = ggufTyped.scalar('f32', config.ropeScaling.factor);
  }
  if (config.slidingWindow !== undefined) metadata[`${arch}.attention.sliding_window`] = config.slidingWindow;
  return metadata;
}
