/**
 * @module engine/nn/rms-norm
 * RMSNorm layer (Llama): y = x / √(mean(x²) + eps) · weight, weight initialised to ones.
 */
import { ones, rmsNorm, type Tensor } from '../tensor/index.ts';

export class RMSNorm {
  weight: Tensor;
  readonly eps: number;

  constructor(weight: Tensor, eps: number) {
    this.weight = weight;
    this.eps = eps;
  }

  static create(dim: number, eps = 1e-6, dtype: 'float32' | 'float64' = 'float32'): RMSNorm {
    return new RMSNorm(ones([dim], { dtype, requiresGrad: true }), eps);
  }

  /** x: [..., dim]. */
  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.weight, this.eps);
  }

  namedParameters(): [string, Tensor][] {
    return [['weight', this.weight]];
  }
}
