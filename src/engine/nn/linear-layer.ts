/**
 * @module engine/nn/linear-layer
 * What a model needs from a projection: y = forward(x) and its named parameters. Projections start as `Linear`
 * (W stored [out, in] as in Hugging Face); training swaps target ones for `LoraLinear` (or a bf16 mixed-precision
 * linear) by Hugging Face module name (Llama.replaceLinear) without the model knowing which it holds.
 */
import type { Tensor } from '../tensor/index.ts';

export interface LinearLayer {
  forward(x: Tensor): Tensor;
  /** Parameters relative to the module, e.g. [['weight', W], ['bias', b]] or LoRA's [..., ['lora_A.weight', A]]. */
  namedParameters(): [string, Tensor][];
}
