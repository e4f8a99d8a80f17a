/**
 * @module engine/nn/mixed-precision-linear
 * A trainable projection for bf16 mixed precision (full fine-tuning): the FP32 master weight W is what the
 * optimizer updates, checkpoints store and the model exports; the products run on a bf16 copy W̃ = bf16(W):
 *
 *   y  = x·W̃ᵀ + b      (backend gemmBf16: bf16 operands on AVX512-BF16 / AMX, FP32 accumulation)
 *   dx = g·W̃           (gemmBf16)
 *   dW = gᵀ·x          (FP32 GEMM, added into W's FP32 gradient; db = Σ g in FP32)
 *
 * dW treats the rounding as the identity (straight-through), the usual mixed-precision rule. It stays FP32
 * because gemmBf16 takes only weights as bf16, and dW's operands are two activations.
 * The copy is re-rounded lazily, at the first forward after `weightChanged()` (the trainer calls it after each
 * optimizer step and after loading a checkpoint): once per step, not per micro-batch or validation batch.
 */
import { SlingError } from '../../core/errors.ts';
import { f32ArrayToBf16 } from '../backend/bf16.ts';
import { linear, Tensor } from '../tensor/index.ts';
import type { LinearLayer } from './linear-layer.ts';

export class MixedPrecisionLinear implements LinearLayer {
  private readonly copy: Uint16Array<ArrayBuffer>;
  private stale = true;

  /** `weight` [out, in] float32 is the master (usually requiresGrad); `bias` [out] stays float32. */
  constructor(readonly weight: Tensor, readonly bias: Tensor | null = null) {
    if (weight.dtype !== 'float32' || weight.ndim !== 2) {
      throw new SlingError('nn_linear_shape', `a mixed-precision linear needs a float32 [out, in] master weight, got ${weight.label()}`);
    }
    this.copy = new Uint16Array(weight.size);
  }

  /** Call after the master weight changed (optimizer step, checkpoint load); the next forward re-rounds. */
  weightChanged(): void {
    this.stale = true;
  }

  /** x: [..., in] → [..., out]. */
  forward(x: Tensor): Tensor {
    if (this.stale) {
      f32ArrayToBf16(this.weight.values as Float32Array, this.copy);
      this.stale = false;
    }
    return linear(x, this.weight, this.bias, this.copy);
  }

  namedParameters(): [string, Tensor][] {
    return this.bias ? [['weight', this.weight], ['bias', this.bias]] : [['weight', this.weight]];
  }
}
