/**
 * @module engine/models/config
 * The one model configuration every loader produces (`LlamaConfig`), and its reading from a Hugging Face
 * config.json: classic keys and the newer `rope_parameters` form, with a registry from `model_type` /
 * `architectures` to the supported families.
 */
import { SlingError } from '../../core/errors.ts';

export type LlamaFamily = 'llama' | 'mistral' | 'qwen2' | 'qwen3';

export type RopeScaling =
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number }
  | { type: 'linear'; factor: number };

export interface LlamaConfig {
  /** Normalised family: SmolLM, TinyLlama and llama2.c are all 'llama'. */
  architecture: string;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  maxPositionEmbeddings: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling?: RopeScaling;
  /** 'half' = HF rotate-half q/k layout; 'interleaved' = llama2.c / GGUF-llama adjacent-pair layout. */
  ropeConvention: 'half' | 'interleaved';
  tieWordEmbeddings: boolean;
  /** q/k/v projections carry a bias (qwen2). */
  attentionBias: boolean;
  /** RMSNorm on q and k per head before RoPE (qwen3). */
  qkNorm: boolean;
  slidingWindow?: number;
  bosTokenId?: number;
  eosTokenIds: number[];
}

/** Family traits that config.json leaves implicit. */
const families: Record<LlamaFamily, { attentionBias: boolean; qkNorm: boolean }> = {
  llama: { attentionBias: false, qkNorm: false },
  mistral: { attentionBias: false, qkNorm: false },
  qwen2: { attentionBias: true, qkNorm: false },
  qwen3: { attentionBias: false, qkNorm: true },
};

const modelTypes: Record<string, LlamaFamily> = { llama: 'llama', mistral: 'mistral', qwen2: 'qwen2', qwen3: 'qwen3' };
const architectureClasses: Record<string, LlamaFamily> = {
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'mistral',
  Qwen2ForCausalLM: 'qwen2',
  Qwen3ForCausalLM: 'qwen3',
};

/** Maps `model_type` (or the first known `architectures` entry) to a family; unknown ones are a SlingError. */
export function familyOf(json: Record<string, unknown>, file: string): LlamaFamily {
  const modelType = typeof json.model_type === 'string' ? json.model_type : undefined;
  if (modelType && modelTypes[modelType]) return modelTypes[modelType];
  const classes = Array.isArray(json.architectures) ? (json.architectures as unknown[]).map(String) : [];
  const known = classes.find((name) => architectureClasses[name]);
  if (known) return architectureClasses[known];
  const named = modelType ?? classes.join(', ');
  throw new SlingError('model_unsupported_architecture', `unsupported model architecture "${named || 'none given'}"`, {
    file,
    field: modelType ? 'model_type' : 'architectures',
    hint: `supported model_type values: ${Object.keys(modelTypes).join(', ')}`,
  });
}

/** Reads a parsed config.json; `file` names it in errors. Missing required keys name the key. */
export function parseHfConfig(json: Record<string, unknown>, file: string): LlamaConfig {
  const family = familyOf(json, file);
  const number = (key: string, fallback?: number): number => {
    const value = json[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      throw new SlingError('model_config_missing_key', `required key "${key}" is missing`, { file, field: key });
    }
    throw new SlingError('model_config_invalid', `"${key}" must be a number, got ${JSON.stringify(value)}`, { file, field: key });
  };
  const hiddenSize = number('hidden_size');
  const numHeads = number('num_attention_heads');
  const rope = (json.rope_parameters ?? json.rope_scaling ?? undefined) as Record<string, unknown> | null | undefined;
  const ropeTheta = typeof json.rope_theta === 'number' ? json.rope_theta : typeof rope?.rope_theta === 'number' ? rope.rope_theta : 10000;
  const useSlidingWindow = family === 'mistral' || json.use_sliding_window === true;
  const eos = json.eos_token_id;
  return {
    architecture: family,
    vocabSize: number('vocab_size'),
    hiddenSize,
    intermediateSize: number('intermediate_size'),
    numLayers: number('num_hidden_layers'),
    numHeads,
    numKvHeads: number('num_key_value_heads', numHeads),
    headDim: number('head_dim', hiddenSize / numHeads),
    maxPositionEmbeddings: number('max_position_embeddings'),
    rmsNormEps: number('rms_norm_eps', 1e-6),
    ropeTheta,
    ropeScaling: parseRopeScaling(rope, file),
    ropeConvention: 'half',
    tieWordEmbeddings: json.tie_word_embeddings === true,
    attentionBias: json.attention_bias === true || families[family].attentionBias,
    qkNorm: families[family].qkNorm,
    slidingWindow: useSlidingWindow && typeof json.sliding_window === 'number' ? json.sliding_window : undefined,
    bosTokenId: typeof json.bos_token_id === 'number' ? json.bos_token_id : undefined,
    eosTokenIds: typeof eos === 'number' ? [eos] : Array.isArray(eos) ? eos.filter((id): id is number => typeof id === 'number') : [],
  };
}

function parseRopeScaling(rope: Record<string, unknown> | null | undefined, file: string): RopeScaling | undefined {
  if (!rope) return undefined;
  const type = rope.rope_type ?? rope.type;
  if (type === undefined || type === 'default') return undefined;
  const field = (key: string): number => {
    const value = rope[key];
    if (typeof value !== 'number') {
      throw new SlingError('model_config_missing_key', `rope scaling of type ${String(type)} needs a number "${key}"`, { file, field: key });
    }
    return value;
  };
  if (type === 'linear') return { type: 'linear', factor: field('factor') };
  if (type === 'llama3') {
    return {
      type: 'llama3',
      factor: field('factor'),
      lowFreqFactor: field('low_freq_factor'),
      highFreqFactor: field('high_freq_factor'),
      originalMaxPositionEmbeddings: field('original_max_position_embeddings'),
    };
  }
  throw new SlingError('model_unsupported_rope', `unsupported RoPE scaling type "${String(type)}"`, { file, field: 'rope_scaling', hint: 'supported: default, linear, llama3' });
}

/** The config.json Hugging Face transformers reads for this config (the inverse of parseHfConfig). */
export function hfConfigJson(config: LlamaConfig, torchDtype = 'float32'): Record<string, unknown> {
  const family = config.architecture as LlamaFamily;
  const className = Object.entries(architectureClasses).find(([, value]) => value === family)?.[0];
  if (!className) throw new SlingError('model_unsupported_architecture', `cannot write a config.json for architecture "${config.architecture}"`);
  const scaling = config.ropeScaling;
  return {
    architectures: [className],
    model_type: family,
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
    rope_scaling: scaling?.type === 'llama3'
      ? { rope_type: 'llama3', factor: scaling.factor, low_freq_factor: scaling.lowFreqFactor, high_freq_factor: scaling.highFreqFactor, original_max_position_embeddings: scaling.originalMaxPositionEmbeddings }
      : scaling?.type === 'linear' ? { rope_type: 'linear', factor: scaling.factor } : null,
    tie_word_embeddings: config.tieWordEmbeddings,
    attention_bias: config.attentionBias,
    ...(config.slidingWindow !== undefined ? { sliding_window: config.slidingWindow, use_sliding_window: true } : {}),
    hidden_act: 'silu',
    bos_token_id: config.bosTokenId ?? null,
    eos_token_id: config.eosTokenIds.length === 1 ? config.eosTokenIds[0] : config.eosTokenIds,
    torch_dtype: torchDtype,
  };
}
