/**
 * @module engine/nn/embedding
 * Token embedding table [vocab, dim] (float or frozen bf16). Init N(0, 1) like torch.nn.Embedding.
 */
import { embedding, normal, type Random, type Tensor } from '../tensor/index.ts';

export class Embedding {
  weight: Tensor;

  constructor(weight: Tensor) {
    this.weight = weight;
  }

  static create(vocabulary: number, dim: number, random: Random, std = 1, dtype: 'float32' | 'float64' = 'float32'): Embedding {
    return new Embedding(normal([vocabulary, dim], random, 0, std, { dtype, requiresGrad: true }));
  }

  /** ids shaped `shape` (default [ids.length]) → [...shape, dim]. */
  forward(ids: Int32Array, shape?: readonly number[]): Tensor {
    return embedding(this.weight, ids, shape);
  }

  namedParameters(): [string, Tensor][] {
    return [['weight', this.weight]];
  }
}
