/**
 * @module engine/models/llama
 * The Llama family in one file, top to bottom: embedding → N × block (RMSNorm → attention with RoPE and
 * grouped-query heads → residual → RMSNorm → SwiGLU MLP → residual) → final RMSNorm → head. The family
 * variants are flags of `LlamaConfig`: Llama 2/3 (llama3 rope scaling), Mistral (sliding window), Qwen2/2.5
 * (q/k/v bias), Qwen3 (RMSNorm on q and k per head), SmolLM/TinyLlama/llama2.c (plain Llama), tied or
 * untied head. Parameter names are the Hugging Face checkpoint keys, so loading is a lookup.
 *
 * Shape legend:
 *   B batch, T tokens in this call, S keys attended (cached + new), C hidden size, V vocabulary,
 *   Hq query heads, Hkv key/value heads, D head dim, F MLP (intermediate) size.
 */
import { SlingError } from '../../core/errors.ts';
import {
  add, attention, embedding, linear, reshape, rmsNorm, rope, ropeFrequencies, ropeTable, slice, swiglu,
  type RopeTable, type Tensor,
} from '../tensor/index.ts';
import type { LlamaConfig } from './config.ts';
import type { KvCache } from './kv-cache.ts';
import type { LinearLayer } from '../nn/linear-layer.ts';
import { cachedAttention } from './generate/cached-attention.ts';

export interface ForwardOptions {
  batch: number;
  seqLen: number;
  /** RoPE position of each token, [B·T] (or [T] shared). Default: cache length + t. */
  positions?: Int32Array;
  /** Packed sequences: tokens attend only within their segment, [B·T]. */
  segmentIds?: Int32Array;
  /** [B·T], 1 = real token, 0 = padding (never attended to). */
  paddingMask?: Uint8Array;
  /**
   * Generation (inference only): keys/values of earlier tokens, one cache slot per row (see KvCache.bind); this
   * call's are appended. Positions default to each slot's length + t. Rows hold real tokens only (no padding).
   */
  kvCache?: KvCache;
  /** Compute logits only for the last token of each row (prefill for generation): output [B, 1, V]. */
  lastTokenOnly?: boolean;
}

// *** attention ***

export class LlamaAttention {
  /** Qwen3: RMSNorm weights over D applied to each q / k head before RoPE. */
  qNorm: Tensor | null = null;
  kNorm: Tensor | null = null;

  constructor(
    readonly config: LlamaConfig,
    public qProj: LinearLayer,
    public kProj: LinearLayer,
    public vProj: LinearLayer,
    public oProj: LinearLayer,
  ) {}

  forward(x: Tensor, layer: number, table: RopeTable, options: ForwardOptions): Tensor {
    const { numHeads, numKvHeads, headDim, rmsNormEps, ropeConvention, slidingWindow } = this.config;
    const { batch: B, seqLen: T, kvCache } = options;
    let q = reshape(this.qProj.forward(x), [B, T, numHeads, headDim]); // [B, T, Hq, D]
    let k = reshape(this.kProj.forward(x), [B, T, numKvHeads, headDim]); // [B, T, Hkv, D]
    let v = reshape(this.vProj.forward(x), [B, T, numKvHeads, headDim]); // [B, T, Hkv, D]
    if (this.qNorm && this.kNorm) {
      q = rmsNorm(q, this.qNorm, rmsNormEps);
      k = rmsNorm(k, this.kNorm, rmsNormEps);
    }
    q = rope(q, table, { convention: ropeConvention, positions: options.positions });
    k = rope(k, table, { convention: ropeConvention, positions: options.positions });
    const out = kvCache
      ? cachedAttention(q, k, v, kvCache, layer, slidingWindow) // [B, T, Hq, D]; keys come from each row's slot
      : attention(q, k, v, { causal: true, keyMask: options.paddingMask, segmentIds: options.segmentIds, window: slidingWindow });
    return this.oProj.forward(reshape(out, [B, T, numHeads * headDim])); // [B, T, C]
  }
}

// *** MLP ***

export class LlamaMlp {
  constructor(
    public gateProj: LinearLayer,
    public upProj: LinearLayer,
    public downProj: LinearLayer,
  ) {}

  forward(x: Tensor): Tensor {
    return this.downProj.forward(swiglu(this.gateProj.forward(x), this.upProj.forward(x))); // [B, T, F] → [B, T, C]
  }
}

// *** block ***

export class LlamaBlock {
  constructor(
    readonly config: LlamaConfig,
    public inputLayernorm: Tensor,
    public selfAttn: LlamaAttention,
    public postAttentionLayernorm: Tensor,
    public mlp: LlamaMlp,
  ) {}

  forward(x: Tensor, layer: number, table: RopeTable, options: ForwardOptions): Tensor {
    const eps = this.config.rmsNormEps;
    x = add(x, this.selfAttn.forward(rmsNorm(x, this.inputLayernorm, eps), layer, table, options));
    return add(x, this.mlp.forward(rmsNorm(x, this.postAttentionLayernorm, eps)));
  }
}

// *** model ***

export class Llama {
  private table: RopeTable | null = null;

  constructor(
    readonly config: LlamaConfig,
    public embedTokens: Tensor,
    public layers: LlamaBlock[],
    public norm: Tensor,
    /** Null when the head is tied to the embedding (logits = x·Eᵀ). */
    public lmHead: LinearLayer | null,
  ) {}

  /** Logits [B, T, V] (or [B, 1, V] with lastTokenOnly) for token ids [B·T]. Differentiable. */
  forward(inputIds: Int32Array, options: ForwardOptions): Tensor {
    const { batch: B, seqLen: T, kvCache } = options;
    if (inputIds.length !== B * T) {
      throw new SlingError('model_input_shape', `forward got ${inputIds.length} token ids for batch ${B} × seqLen ${T}`);
    }
    if (kvCache) {
      if (options.paddingMask || options.segmentIds) {
        throw new SlingError('model_input_shape', 'forward with a KV cache takes real tokens only (no paddingMask or segmentIds)', { hint: 'give each sequence its own cache slot (kvCache.bind) instead of padding' });
      }
      kvCache.reserve(B, T);
      options = { ...options, positions: options.positions ?? cachePositions(kvCache, T) };
    }
    const table = this.ropeTable(this.maxPosition(options) + 1);
    let x = embedding(this.embedTokens, inputIds, [B, T]); // [B, T, C]
    for (let layer = 0; layer < this.layers.length; layer++) x = this.layers[layer].forward(x, layer, table, options);
    kvCache?.advance(T);
    if (options.lastTokenOnly && T > 1) x = slice(x, 1, T - 1, T); // [B, 1, C]
    x = rmsNorm(x, this.norm, this.config.rmsNormEps);
    return this.lmHead ? this.lmHead.forward(x) : linear(x, this.embedTokens); // [B, T, V]
  }

  /** Every trainable or frozen tensor under its Hugging Face name (tied heads appear once, as the embedding). */
  namedParameters(): [string, Tensor][] {
    const result: [string, Tensor][] = [['model.embed_tokens.weight', this.embedTokens]];
    this.layers.forEach((block, index) => {
      const prefix = `model.layers.${index}`;
      result.push([`${prefix}.input_layernorm.weight`, block.inputLayernorm]);
      if (block.selfAttn.qNorm) result.push([`${prefix}.self_attn.q_norm.weight`, block.selfAttn.qNorm]);
      if (block.selfAttn.kNorm) result.push([`${prefix}.self_attn.k_norm.weight`, block.selfAttn.kNorm]);
      result.push([`${prefix}.post_attention_layernorm.weight`, block.postAttentionLayernorm]);
    });
    result.push(['model.norm.weight', this.norm]);
    for (const [name, module] of this.linearModules()) {
      for (const [suffix, parameter] of module.namedParameters()) result.push([`${name}.${suffix}`, parameter]);
    }
    return result;
  }

  /** The projections by Hugging Face module name (`model.layers.3.self_attn.q_proj`, ..., `lm_head`). */
  linearModules(): [string, LinearLayer][] {
    const result: [string, LinearLayer][] = [];
    this.layers.forEach((block, index) => {
      const { selfAttn: a, mlp } = block;
      const prefix = `model.layers.${index}`;
      result.push([`${prefix}.self_attn.q_proj`, a.qProj], [`${prefix}.self_attn.k_proj`, a.kProj], [`${prefix}.self_attn.v_proj`, a.vProj], [`${prefix}.self_attn.o_proj`, a.oProj]);
      result.push([`${prefix}.mlp.gate_proj`, mlp.gateProj], [`${prefix}.mlp.up_proj`, mlp.upProj], [`${prefix}.mlp.down_proj`, mlp.downProj]);
    });
    if (this.lmHead) result.push(['lm_head', this.lmHead]);
    return result;
  }

  /** Swaps one projection, e.g. for a LoRA wrapper: `replaceLinear('model.layers.0.self_attn.q_proj', (base) => new LoraLinear(...))`. */
  replaceLinear(name: string, make: (existing: LinearLayer) => LinearLayer): void {
    const match = /^model\.layers\.(\d+)\.(self_attn|mlp)\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)$/.exec(name);
    if (name === 'lm_head' && this.lmHead) {
      this.lmHead = make(this.lmHead);
      return;
    }
    const block = match ? this.layers[Number(match[1])] : undefined;
    const fields: Record<string, [object, string]> = block
      ? {
          'self_attn.q_proj': [block.selfAttn, 'qProj'], 'self_attn.k_proj': [block.selfAttn, 'kProj'],
          'self_attn.v_proj': [block.selfAttn, 'vProj'], 'self_attn.o_proj': [block.selfAttn, 'oProj'],
          'mlp.gate_proj': [block.mlp, 'gateProj'], 'mlp.up_proj': [block.mlp, 'upProj'], 'mlp.down_proj': [block.mlp, 'downProj'],
        }
      : {};
    const target = match ? fields[`${match[2]}.${match[3]}`] : undefined;
    if (!target) {
      throw new SlingError('model_unknown_module', `no linear module named "${name}" in this ${this.config.numLayers}-layer model`, {
        field: name,
        hint: 'names look like model.layers.0.self_attn.q_proj or model.layers.0.mlp.down_proj',
      });
    }
    const [owner, field] = target as [Record<string, LinearLayer>, string];
    owner[field] = make(owner[field]);
  }

  private maxPosition(options: ForwardOptions): number {
    if (options.positions) return options.positions.reduce((top, position) => Math.max(top, position), 0);
    return options.seqLen - 1;
  }

  /** cos/sin table grown on demand (a 128k-context table would cost hundreds of MB up front). */
  private ropeTable(positions: number): RopeTable {
    if (!this.table || this.table.maxPositions < positions) {
      const size = Math.max(positions, Math.min(2 * (this.table?.maxPositions ?? 256), Math.max(positions, this.config.maxPositionEmbeddings)));
      const { headDim, ropeTheta, ropeScaling } = this.config;
      this.table = ropeTable(ropeFrequencies(headDim, ropeTheta, ropeScaling), size);
    }
    return this.table;
  }
}

/** RoPE positions of a cached forward pass, [B·T]: row b's tokens continue its slot. */
function cachePositions(cache: KvCache, T: number): Int32Array {
  const positions = new Int32Array(cache.rows.length * T);
  cache.rows.forEach((slot, b) => {
    for (let t = 0; t < T; t++) positions[b * T + t] = cache.lengths[slot] + t;
  });
  return positions;
}
