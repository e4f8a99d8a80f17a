/**
 * @module engine/models/model-builders
 * Builders, not config objects (torchtune style): `llama(config, source)` assembles the model from a source of
 * named parameters, and a registry maps `config.architecture` to its builder. Two sources exist: random
 * initialisation (`createModel`) and a loaded checkpoint (`modelFromCheckpoint`, a lookup by Hugging Face
 * name with shape checks; frozen bf16 weights may stay bf16 so matmuls use gemmBf16).
 */
import { SlingError } from '../../core/errors.ts';
import { fromBf16, full, normal, Random, Tensor } from '../tensor/index.ts';
import type { LlamaConfig } from './config.ts';
import type { Checkpoint } from './io/checkpoint.ts';
import { convertRaw, rawToF32 } from './io/raw-tensor.ts';
import { Linear } from '../nn/index.ts';
import { Llama, LlamaAttention, LlamaBlock, LlamaMlp } from './llama.ts';

/** What a parameter is, so a random source knows how to initialise it. */
export type ParameterKind = 'matrix' | 'embedding' | 'norm' | 'bias';
/** Returns the tensor for a Hugging Face name, or null when an optional parameter is absent. */
export type ParameterSource = (name: string, shape: number[], kind: ParameterKind, optional?: boolean) => Tensor | null;
export type ModelBuilder = (config: LlamaConfig, source: ParameterSource) => Llama;

export function llama(config: LlamaConfig, source: ParameterSource): Llama {
  const { hiddenSize: C, intermediateSize: F, numHeads, numKvHeads, headDim: D, vocabSize: V } = config;
  const need = (name: string, shape: number[], kind: ParameterKind) => source(name, shape, kind)!;
  const projection = (name: string, out: number, inFeatures: number, bias = false) =>
    new Linear(need(`${name}.weight`, [out, inFeatures], 'matrix'), bias ? need(`${name}.bias`, [out], 'bias') : null);
  const layers = Array.from({ length: config.numLayers }, (_, index) => {
    const prefix = `model.layers.${index}`;
    const attention = new LlamaAttention(
      config,
      projection(`${prefix}.self_attn.q_proj`, numHeads * D, C, config.attentionBias),
      projection(`${prefix}.self_attn.k_proj`, numKvHeads * D, C, config.attentionBias),
      projection(`${prefix}.self_attn.v_proj`, numKvHeads * D, C, config.attentionBias),
      projection(`${prefix}.self_attn.o_proj`, C, numHeads * D),
    );
    if (config.qkNorm) {
      attention.qNorm = need(`${prefix}.self_attn.q_norm.weight`, [D], 'norm');
      attention.kNorm = need(`${prefix}.self_attn.k_norm.weight`, [D], 'norm');
    }
    const mlp = new LlamaMlp(projection(`${prefix}.mlp.gate_proj`, F, C), projection(`${prefix}.mlp.up_proj`, F, C), projection(`${prefix}.mlp.down_proj`, C, F));
    return new LlamaBlock(config, need(`${prefix}.input_layernorm.weight`, [C], 'norm'), attention, need(`${prefix}.post_attention_layernorm.weight`, [C], 'norm'), mlp);
  });
  const embedTokens = need('model.embed_tokens.weight', [V, C], 'embedding');
  const head = config.tieWordEmbeddings ? null : source('lm_head.weight', [V, C], 'matrix');
  return new Llama(config, embedTokens, layers, need('model.norm.weight', [C], 'norm'), head ? new Linear(head) : null);
}

const builders: Record<string, ModelBuilder> = { llama, mistral: llama, qwen2: llama, qwen3: llama };

export function builderFor(architecture: string): ModelBuilder {
  const builder = builders[architecture];
  if (!builder) {
    throw new SlingError('model_unsupported_architecture', `no model builder for architecture "${architecture}"`, {
      field: 'architecture',
      hint: `supported: ${Object.keys(builders).join(', ')}`,
    });
  }
  return builder;
}

/** A freshly initialised model (weights N(0, 0.02) as Hugging Face's initializer_range, norms 1, biases 0). */
export function createModel(config: LlamaConfig, options: { seed?: number; requiresGrad?: boolean } = {}): Llama {
  const random = new Random(options.seed ?? 0);
  const requiresGrad = options.requiresGrad ?? false;
  return builderFor(config.architecture)(config, (_name, shape, kind) => {
    if (kind === 'norm') return full(shape, 1, { requiresGrad });
    if (kind === 'bias') return full(shape, 0, { requiresGrad });
    return normal(shape, random, 0, 0.02, { requiresGrad });
  });
}

export interface CheckpointModelOptions {
  /** 'bf16' keeps matrices and the embedding as bf16 (frozen, half the memory); norms are always float32. */
  dtype?: 'f32' | 'bf16';
}

export function modelFromCheckpoint(checkpoint: Checkpoint, options: CheckpointModelOptions = {}): Llama {
  const { tensors, source: file } = checkpoint;
  let config = checkpoint.config;
  if (!config.tieWordEmbeddings && !tensors.has('lm_head.weight')) config = { ...config, tieWordEmbeddings: true };
  return builderFor(config.architecture)(config, (name, shape, kind) => {
    const raw = tensors.get(name);
    if (!raw) {
      throw new SlingError('model_missing_tensor', `the checkpoint has no tensor "${name}"`, { file, field: name, hint: `the ${config.architecture} config expects it; is the checkpoint complete?` });
    }
    if (raw.shape.join() !== shape.join()) {
      throw new SlingError('model_tensor_shape', `tensor "${name}" has shape [${raw.shape}], the config implies [${shape}]`, { file, field: name });
    }
    const keepBf16 = options.dtype === 'bf16' && (kind === 'matrix' || kind === 'embedding');
    if (keepBf16) return fromBf16(convertRaw(raw, 'bf16').data as Uint16Array, shape);
    return new Tensor(raw.dtype === 'f32' ? (raw.data as Float32Array) : rawToF32(raw), shape);
  });
}
