/**
 * @module engine/nn/linear
 * y = x·Wᵀ + b with W stored [out, in] as in Hugging Face checkpoints. The weight may be bf16 when frozen.
 */
import { SlingError } from '../../core/errors.ts';
import { kaimingUniform, linear, uniform, type Random, type Tensor } from '../tensor/index.ts';

export interface LinearInit {
  bias?: boolean;
  dtype?: 'float32' | 'float64';
}

export class Linear {
  weight: Tensor;
  bias: Tensor | null;

  constructor(weight: Tensor, bias: Tensor | null = null) {
    if (weight.ndim !== 2) throw new SlingError('nn_linear_shape', `Linear weight must be [out, in], got ${weight.label()}`);
    if (bias && bias.size !== weight.shape[0]) throw new SlingError('nn_linear_shape', `Linear bias ${bias.label()} does not fit ${weight.label()}`);
    this.weight = weight;
    this.bias = bias;
  }

  /** PyTorch's nn.Linear init: W ~ Kaiming-uniform(a = √5), b ~ U(±1/√in). */
  static create(inFeatures: number, outFeatures: number, random: Random, init: LinearInit = {}): Linear {
    const options = { dtype: init.dtype ?? 'float32', requiresGrad: true } as const;
    const weight = kaimingUniform([outFeatures, inFeatures], random, Math.sqrt(5), options);
    const bound = 1 / Math.sqrt(inFeatures);
    const bias = init.bias ? uniform([outFeatures], random, -bound, bound, options) : null;
    return new Linear(weight, bias);
  }

  get inFeatures(): number {
    return this.weight.shape[1];
  }

  get outFeatures(): number {
    return this.weight.shape[0];
  }

  /** x: [..., in] → [..., out]. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  namedParameters(): [string, Tensor][] {
    return this.bias ? [['weight', this.weight], ['bias', this.bias]] : [['weight', this.weight]];
  }
}
