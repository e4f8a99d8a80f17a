/**
 * @module engine/nn/lora-linear
 * The LoRA layer (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models", arXiv:2106.09685) as
 * one fused differentiable op around a frozen projection:
 *
 *   y = x·Wᵀ + b + s · (drop(x)·Aᵀ)·Bᵀ,   A [r, in] Kaiming-uniform (a = √5, as PEFT), B [out, r] zeros,
 *   s = alpha / r, or alpha / √r with rsLoRA (Kalajdzievski 2023, arXiv:2312.03732)
 *
 * Backward, with g = dL/dy, h = drop(x)·Aᵀ [rows, r] and u = s·g·B [rows, r]:
 *   dB = s·gᵀ·h,  dA = uᵀ·drop(x),  dx = g·W + drop'(u·A)  (drop' = the same mask and 1/(1−p) scale).
 *
 * B = 0 makes a fresh layer equal its base. The base is frozen (no dW GEMM) and may be bf16, in which case its
 * products go through the backend's gemmBf16. s multiplies the small [rows, r] activation, not the output.
 * Dropout acts on the adapter branch only, as in PEFT. Parameter names follow PEFT adapter files.
 * Merging (W + s·B·A) is done on plain arrays by the merged export (engine/train/export/merge-weights).
 */
import { SlingError } from '../../core/errors.ts';
import { allocate, gemm, kaimingUniform, record, Tensor, zeros, type Random } from '../tensor/index.ts';
import type { LinearLayer } from './linear-layer.ts';

export interface LoraOptions {
  r: number;
  alpha: number;
  /** Dropout on the adapter input while `training` (0 = none). */
  dropout: number;
  useRslora: boolean;
}

export class LoraLinear implements LinearLayer {
  readonly loraA: Tensor;
  readonly loraB: Tensor;
  readonly scale: number;
  readonly dropout: number;
  training = true;
  /** Source of dropout masks; the trainer sets a generator derived from (seed, step) before each step. */
  random: Random | null = null;

  /** Freezes `weight` and `bias`; `init` draws A. A and B take the weight's float dtype (float32 for bf16). */
  constructor(readonly weight: Tensor, readonly bias: Tensor | null, options: LoraOptions, init: Random) {
    if (!Number.isInteger(options.r) || options.r < 1) {
      throw new SlingError('nn_lora_config', `LoRA rank must be a positive integer, got ${options.r}`, { field: 'r' });
    }
    weight.requiresGrad = false;
    if (bias) bias.requiresGrad = false;
    const [outFeatures, inFeatures] = weight.shape;
    this.loraA = kaimingUniform([options.r, inFeatures], init, Math.sqrt(5), { requiresGrad: true, dtype: weight.floatDtype });
    this.loraB = zeros([outFeatures, options.r], { requiresGrad: true, dtype: weight.floatDtype });
    this.scale = options.useRslora ? options.alpha / Math.sqrt(options.r) : options.alpha / options.r;
    this.dropout = options.dropout;
  }

  /** x: [..., in] → [..., out]. */
  forward(x: Tensor): Tensor {
    return loraLinear(x, this.weight, this.bias, this.loraA, this.loraB, this.scale, this.training ? this.dropout : 0, this.random);
  }

  namedParameters(): [string, Tensor][] {
    const base: [string, Tensor][] = this.bias ? [['weight', this.weight], ['bias', this.bias]] : [['weight', this.weight]];
    return [...base, ['lora_A.weight', this.loraA], ['lora_B.weight', this.loraB]];
  }
}

/** The fused op. Also gives dW when `weight` requires grad, so finite differences can check every input. */
export function loraLinear(x: Tensor, weight: Tensor, bias: Tensor | null, a: Tensor, b: Tensor, scale: number, dropout: number, random: Random | null): Tensor {
  const [outFeatures, inFeatures] = weight.shape;
  const r = a.shape[0];
  const rows = x.size / inFeatures;
  const dtype = x.floatDtype;
  const xv = x.values;
  let dropped = xv;
  let keep: Uint8Array | null = null;
  const keepScale = 1 / (1 - dropout);
  if (dropout > 0) {
    if (!random) throw new SlingError('nn_lora_dropout', 'LoRA dropout needs a random generator', { hint: 'set layer.random, or layer.training = false' });
    keep = new Uint8Array(xv.length);
    dropped = allocate(dtype, xv.length);
    for (let i = 0; i < xv.length; i++) if (random.nextFloat() >= dropout) (keep[i] = 1), (dropped[i] = xv[i] * keepScale);
  }
  const out = allocate(dtype, rows * outFeatures);
  if (bias) for (let row = 0; row < rows; row++) out.set(bias.values, row * outFeatures);
  gemm(xv, weight.data, out, { m: rows, n: outFeatures, k: inFeatures, transB: true, beta: bias ? 1 : 0 });
  const hidden = allocate(dtype, rows * r);
  gemm(dropped, a.values, hidden, { m: rows, n: r, k: inFeatures, transB: true });
  for (let i = 0; i < hidden.length; i++) hidden[i] *= scale;
  gemm(hidden, b.values, out, { m: rows, n: outFeatures, k: r, transB: true, beta: 1 });
  const inputs = bias ? [x, weight, a, b, bias] : [x, weight, a, b];
  return record(new Tensor(out, [...x.shape.slice(0, -1), outFeatures]), 'lora_linear', inputs, () => (grad) => {
    // hidden already carries s, so dB = gᵀ·(s·h)
    const gradB = allocate(dtype, outFeatures * r);
    gemm(grad, hidden, gradB, { m: outFeatures, n: r, k: rows, transA: true });
    const u = allocate(dtype, rows * r);
    gemm(grad, b.values, u, { m: rows, n: r, k: outFeatures });
    for (let i = 0; i < u.length; i++) u[i] *= scale;
    const gradA = allocate(dtype, r * inFeatures);
    gemm(u, dropped, gradA, { m: r, n: inFeatures, k: rows, transA: true });
    let gradX = null;
    if (x.requiresGrad) {
      gradX = allocate(dtype, x.size);
      gemm(u, a.values, gradX, { m: rows, n: inFeatures, k: r });
      if (keep) for (let i = 0; i < gradX.length; i++) gradX[i] = keep[i] ? gradX[i] * keepScale : 0;
      gemm(grad, weight.data, gradX, { m: rows, n: inFeatures, k: outFeatures, beta: 1 });
    }
    let gradW = null;
    if (weight.requiresGrad) {
      gradW = allocate(dtype, weight.size);
      gemm(grad, xv, gradW, { m: outFeatures, n: inFeatures, k: rows, transA: true });
    }
    let gradBias = null;
    if (bias?.requiresGrad) {
      gradBias = allocate(dtype, outFeatures);
      for (let row = 0; row < rows; row++) for (let j = 0; j < outFeatures; j++) gradBias[j] += grad[row * outFeatures + j];
    }
    return bias ? [gradX, gradW, gradA, gradB, gradBias] : [gradX, gradW, gradA, gradB];
  });
}
