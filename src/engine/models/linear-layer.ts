/**
 * @module engine/models/linear-layer
 * The projection modules of a model: y = x·Wᵀ + b with W stored [out, in] as in Hugging Face. The model holds
 * them behind the `LinearLayer` interface so training can swap a target projection for a LoRA wrapper
 * (engine/nn) by its Hugging Face module name without the model knowing about LoRA.
 */
import { linear, type Tensor } from '../tensor/index.ts';

export interface LinearLayer {
  forward(x: Tensor): Tensor;
  /** Parameters relative to the module, e.g. [['weight', W], ['bias', b]] or LoRA's [['lora_A.weight', A], ...]. */
  namedParameters(): [string, Tensor][];
}

export class Linear implements LinearLayer {
  constructor(
    public weight: Tensor,
    public bias: Tensor | null = null,
  ) {}

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  namedParameters(): [string, Tensor][] {
    return this.bias ? [['weight', this.weight], ['bias', this.bias]] : [['weight', this.weight]];
  }

  get inFeatures(): number {
    return this.weight.shape[1];
  }

  get outFeatures(): number {
    return this.weight.shape[0];
  }
}
