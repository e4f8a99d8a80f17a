/**
 * @module engine/nn/lora-linear
 * LoRA (Hu et al., 2021, "LoRA: Low-Rank Adaptation of Large Language Models", arXiv:2106.09685):
 *
 *   y = base(x) + (dropout(x)·Aᵀ)·Bᵀ · scale,   A: [r, in] Kaiming-uniform, B: [out, r] zeros,
 *   scale = alpha / r, or alpha / √r with rsLoRA (Kalajdzievski, 2023, arXiv:2312.03732).
 *
 * B = 0 makes the adapted layer start exactly equal to the base. The base is frozen, so its weight gets no
 * gradient and matmul skips the dW GEMM. The scale is applied to the small [.., r] activation, not the output.
 * Parameter names follow PEFT adapter files: "lora_A.weight", "lora_B.weight" (base keeps "weight"/"bias").
 */
import { SlingError } from '../../core/errors.ts';
import { add, dropout, gemm, kaimingUniform, linear, mul, Tensor, toFloat32, zeros, type Random } from '../tensor/index.ts';
import { Linear } from './linear.ts';

export interface LoRAConfig {
  rank: number;
  alpha: number;
  /** Dropout on the adapter input during training. Default 0. */
  dropout?: number;
  /** Rank-stabilised scaling alpha/√r instead of alpha/r. */
  rsLoRA?: boolean;
}

export class LoRALinear {
  readonly base: Linear;
  loraA: Tensor;
  loraB: Tensor;
  readonly scale: number;
  readonly dropout: number;
  training = true;
  private readonly random: Random;

  /** Freezes `base`; `random` initialises A and drives the dropout masks. */
  constructor(base: Linear, config: LoRAConfig, random: Random) {
    if (!Number.isInteger(config.rank) || config.rank < 1) {
      throw new SlingError('nn_lora_config', `LoRA rank must be a positive integer, got ${config.rank}`, { field: 'rank' });
    }
    this.base = base;
    base.weight.requiresGrad = false;
    if (base.bias) base.bias.requiresGrad = false;
    const dtype = base.weight.dtype === 'float64' ? 'float64' : 'float32';
    // PEFT initialises A with kaiming_uniform_(a = √5), like nn.Linear.
    this.loraA = kaimingUniform([config.rank, base.inFeatures], random, Math.sqrt(5), { dtype, requiresGrad: true });
    this.loraB = zeros([base.outFeatures, config.rank], { dtype, requiresGrad: true });
    this.scale = config.rsLoRA ? config.alpha / Math.sqrt(config.rank) : config.alpha / config.rank;
    this.dropout = config.dropout ?? 0;
    this.random = random.fork();
  }

  get rank(): number {
    return this.loraA.shape[0];
  }

  /** x: [..., in] → [..., out]. */
  forward(x: Tensor): Tensor {
    const base = this.base.forward(x);
    const adapterInput = this.training && this.dropout > 0 ? dropout(x, this.dropout, this.random) : x;
    const low = mul(linear(adapterInput, this.loraA), this.scale); // [..., r]
    return add(base, linear(low, this.loraB));
  }

  /** A plain Linear with W + scale·B·A folded in (float32/float64; a bf16 base is widened first). */
  merge(): Linear {
    const weight = this.base.weight.dtype === 'bf16' ? toFloat32(this.base.weight).values : this.base.weight.values;
    const merged = weight.slice();
    const delta = merged.slice().fill(0);
    gemm(this.loraB.values, this.loraA.values, delta, { m: this.base.outFeatures, n: this.base.inFeatures, k: this.rank });
    for (let i = 0; i < merged.length; i++) merged[i] += this.scale * delta[i];
    const bias = this.base.bias ? new Tensor(this.base.bias.values.slice(), this.base.bias.shape) : null;
    return new Linear(new Tensor(merged, this.base.weight.shape), bias);
  }

  namedParameters(): [string, Tensor][] {
    return [...this.base.namedParameters(), ['lora_A.weight', this.loraA], ['lora_B.weight', this.loraB]];
  }
}
