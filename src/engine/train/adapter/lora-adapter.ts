/**
 * @module engine/train/adapter/lora-adapter
 * A LoRA adapter as plain arrays (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models"):
 * for each adapted linear layer W [out, in], a pair A [r, in] and B [out, r] with
 *   y = W·x + s · B·(A·x),   s = alpha / r   (rsLoRA: alpha / √r).
 * q/k rows of B are kept in the base model's own RoPE layout (`ropeConvention`); the file writers convert.
 */
import type { LlamaConfig } from '../../models/config.ts';
import { moduleKind } from './adapter-names.ts';
import { permuteHalfToInterleaved, permuteInterleavedToHalf } from './rope-permute.ts';

export interface LoraAdapterConfig {
  r: number;
  alpha: number;
  dropout: number;
  /** Module kinds, e.g. ['q_proj', 'v_proj']. */
  targetModules: string[];
  useRslora: boolean;
  /** Path or id of the base model the adapter was trained on. */
  baseModel: string;
}

export interface LoraPair {
  /** [r, in] row-major. */
  a: Float32Array;
  /** [out, r] row-major. */
  b: Float32Array;
  inFeatures: number;
  outFeatures: number;
}

export interface LoraAdapter {
  config: LoraAdapterConfig;
  /** Keyed by HF module name, e.g. `model.layers.0.self_attn.q_proj`. */
  layers: Map<string, LoraPair>;
  /** Layout of q/k output rows in `b` (the base model's layout). */
  ropeConvention: 'half' | 'interleaved';
}

export function adapterScale(config: Pick<LoraAdapterConfig, 'alpha' | 'r' | 'useRslora'>): number {
  return config.useRslora ? config.alpha / Math.sqrt(config.r) : config.alpha / config.r;
}

/** ΔW = s · B·A as a row-major [out, in] array (float64 accumulation). */
export function deltaWeight(pair: LoraPair, scale: number): Float32Array {
  const { a, b, inFeatures, outFeatures } = pair;
  const r = a.length / inFeatures;
  const delta = new Float32Array(outFeatures * inFeatures);
  const row = new Float64Array(inFeatures);
  for (let o = 0; o < outFeatures; o++) {
    row.fill(0);
    for (let k = 0; k < r; k++) {
      const coefficient = b[o * r + k];
      if (coefficient === 0) continue;
      for (let i = 0; i < inFeatures; i++) row[i] += coefficient * a[k * inFeatures + i];
    }
    for (let i = 0; i < inFeatures; i++) delta[o * inFeatures + i] = scale * row[i];
  }
  return delta;
}

/** Heads whose rows a q or k projection stacks; undefined for modules RoPE does not touch. */
export function ropeHeads(module: string, config: Pick<LlamaConfig, 'numHeads' | 'numKvHeads'>): number | undefined {
  const kind = moduleKind(module);
  if (kind === 'q_proj') return config.numHeads;
  if (kind === 'k_proj') return config.numKvHeads;
  return undefined;
}

/** B with its q/k rows moved from layout `from` to layout `to` (a copy; other modules unchanged). */
export function convertRopeRows(module: string, pair: LoraPair, from: 'half' | 'interleaved', to: 'half' | 'interleaved', config: Pick<LlamaConfig, 'numHeads' | 'numKvHeads'>): Float32Array {
  const heads = ropeHeads(module, config);
  if (heads === undefined || from === to) return pair.b;
  const r = pair.b.length / pair.outFeatures;
  return from === 'half' ? permuteHalfToInterleaved(pair.b, heads, r) : permuteInterleavedToHalf(pair.b, heads, r);
}
