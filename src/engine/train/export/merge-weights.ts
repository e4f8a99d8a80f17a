/**
 * @module engine/train/export/merge-weights
 * Base weights with the fine-tuning folded in: W' = W + s·B·A for each adapted projection (LoRA), or the
 * trained tensors replacing the base ones (full fine-tuning). The result is a Checkpoint in the base's own
 * layout, ready for the safetensors or GGUF writers.
 */
import type { Checkpoint } from '../../models/io/checkpoint.ts';
import { rawToF32, type RawTensor } from '../../models/io/raw-tensor.ts';
import { adapterScale, deltaWeight, type LoraAdapter } from '../adapter/lora-adapter.ts';

export function mergeLora(base: Checkpoint, adapter: LoraAdapter): Checkpoint {
  const tensors = new Map(base.tensors);
  const scale = adapterScale(adapter.config);
  for (const [module, pair] of adapter.layers) {
    const name = `${module}.weight`;
    const weight = base.tensors.get(name);
    if (!weight) throw new Error(`the base has no ${name}`);
    const merged = rawToF32(weight).slice();
    const delta = deltaWeight(pair, scale);
    for (let i = 0; i < merged.length; i++) merged[i] += delta[i];
    tensors.set(name, { dtype: 'f32', shape: [...weight.shape], data: merged });
  }
  return { ...base, tensors };
}

export function mergeFull(base: Checkpoint, trained: Map<string, RawTensor>): Checkpoint {
  const tensors = new Map(base.tensors);
  for (const [name, tensor] of trained) tensors.set(name, tensor);
  let config = base.config;
  // a model trained from a tied checkpoint keeps its head tied (the embedding is the head)
  if (!trained.has('lm_head.weight') && !base.tensors.has('lm_head.weight')) config = { ...config, tieWordEmbeddings: true };
  return { ...base, config, tensors };
}
