/**
 * @module engine/models/io/checkpoint
 * What every loader returns: configuration, weights under Hugging Face names, and the tokenizer.
 */
import type { LlamaConfig } from '../config.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import type { RawTensor } from './raw-tensor.ts';

export interface Checkpoint {
  config: LlamaConfig;
  /** Hugging Face tensor names (`model.layers.{i}.self_attn.q_proj.weight`, ...); matrices are [out, in]. */
  tensors: Map<string, RawTensor>;
  tokenizer: Tokenizer;
  /** Jinja chat template (tokenizer_config.json or GGUF `tokenizer.chat_template`). */
  chatTemplate?: string;
  generationConfig?: Record<string, unknown>;
  /** The file or folder it was read from. */
  source: string;
  format: 'hf' | 'gguf' | 'llama2c';
}

/** The HF name of a per-layer tensor, e.g. layerTensorName(3, 'self_attn.q_proj.weight'). */
export function layerTensorName(layer: number, suffix: string): string {
  return `model.layers.${layer}.${suffix}`;
}
