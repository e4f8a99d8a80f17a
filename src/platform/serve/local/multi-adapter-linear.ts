/**
 * @module platform/serve/local/multi-adapter-linear
 * A projection that applies a different LoRA adapter to each row of a batch in the same forward pass (the
 * S-LoRA / Punica idea, written plainly): the frozen base computes W·x for every row once, then each row adds
 * its own adapter's low-rank update s · B·(A·x). Rows without an adapter get the base output unchanged. The
 * serving loop sets `rowAdapters` before every forward call; generation runs under noGrad, so the update is
 * added in place on the fresh output buffer.
 */
import type { LinearLayer } from '../../../engine/nn/linear-layer.ts';
import { Tensor } from '../../../engine/tensor/index.ts';

/** One adapter's matrices for one module: A [r, in], B [out, r], scale s. */
export interface LowRankUpdate {
  a: Float32Array;
  b: Float32Array;
  rank: number;
  scale: number;
}

export class MultiAdapterLinear implements LinearLayer {
  /** Per batch row: the update to add, or null for the base model. Set by the decode loop. */
  rowAdapters: (LowRankUpdate | null)[] = [];

  constructor(
    readonly base: LinearLayer,
    readonly inFeatures: number,
    readonly outFeatures: number,
  ) {}

  namedParameters(): [string, Tensor][] {
    return this.base.namedParameters();
  }

  forward(x: Tensor): Tensor {
    const y = this.base.forward(x); // [B, T, out]
    if (!this.rowAdapters.some((update) => update !== null)) return y;
    const batch = x.shape[0];
    const tokens = x.size / (batch * this.inFeatures);
    const input = x.values;
    const output = y.values;
    let hidden = new Float64Array(0);
    for (let b = 0; b < batch; b++) {
      const update = this.rowAdapters[b];
      if (!update) continue;
      const { a, b: up, rank, scale } = update;
      if (hidden.length < rank) hidden = new Float64Array(rank);
      for (let t = 0; t < tokens; t++) {
        const inOffset = (b * tokens + t) * this.inFeatures;
        const outOffset = (b * tokens + t) * this.outFeatures;
        for (let k = 0; k < rank; k++) {
          let sum = 0;
          const row = k * this.inFeatures;
          for (let i = 0; i < this.inFeatures; i++) sum += a[row + i] * input[inOffset + i];
          hidden[k] = sum * scale;
        }
        for (let o = 0; o < this.outFeatures; o++) {
          let sum = 0;
          const row = o * rank;
          for (let k = 0; k < rank; k++) sum += up[row + k] * hidden[k];
          output[outOffset + o] += sum;
        }
      }
    }
    return y;
  }
}
