/**
 * @module engine/models/linear-layer
 * What the model needs from a projection: y = forward(x) and its named parameters. Projections start as
 * `Linear` from engine/nn (W stored [out, in] as in Hugging Face); training swaps target ones for `LoRALinear`
 * by Hugging Face module name (Llama.replaceLinear) without the model knowing about LoRA.
 */
import type { Tensor } from '../tensor/index.ts';

export interface LinearLayer {
  forward(x: Tensor): Tensor;
  /** Parameters relative to the module, e.g. [['weight', W], ['bias', b]] or LoRA's [..., ['lora_A.weight', A]]. */
  namedParameters(): [string, Tensor][];
}
