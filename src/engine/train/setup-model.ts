/**
 * @module engine/train/setup-model
 * Builds the model a recipe trains: the base from its checkpoint, then either LoRA wrappers on the target
 * projections (base frozen; with bf16 precision the frozen matrices stay bf16 so matmuls use gemmBf16) or every
 * weight trainable in FP32 for full fine-tuning (with bf16 precision each projection, lm_head included, multiplies
 * through a bf16 copy of its FP32 master weight; embeddings and norms stay FP32). Returns the trainable tensors
 * under their Hugging Face names.
 */
import type { Checkpoint } from '../models/io/checkpoint.ts';
import type { Llama } from '../models/llama.ts';
import { modelFromCheckpoint } from '../models/model-builders.ts';
import { Random, type Tensor } from '../tensor/index.ts';
import { LoraLinear, type LoraOptions } from '../nn/lora-linear.ts';
import { MixedPrecisionLinear } from '../nn/mixed-precision-linear.ts';
import { targetModulesOf, type Recipe } from './recipe/recipe-schema.ts';

export interface TrainableTensor {
  name: string;
  tensor: Tensor;
  /** Norm weights and biases are exempt from weight decay. */
  decay: boolean;
}

export interface TrainingModel {
  model: Llama;
  trainable: TrainableTensor[];
  /** LoRA wrappers by HF module name (empty for full fine-tuning). */
  loraLayers: Map<string, LoraLinear>;
  /** Full fine-tuning in bf16: the projections whose bf16 copies must follow their FP32 masters (else empty). */
  mixedPrecisionLayers: MixedPrecisionLinear[];
}

export function setupModel(checkpoint: Checkpoint, recipe: Recipe): TrainingModel {
  const bf16 = recipe.precision === 'bf16';
  // only a frozen base may be stored as bf16; trained weights stay FP32 masters
  const model = modelFromCheckpoint(checkpoint, { dtype: bf16 && recipe.method === 'lora' ? 'bf16' : 'f32' });
  const parameters = model.namedParameters();
  if (recipe.method === 'full') {
    for (const [, tensor] of parameters) tensor.requiresGrad = true;
    const mixedPrecisionLayers = bf16 ? useBf16Copies(model) : [];
    return { model, loraLayers: new Map(), mixedPrecisionLayers, trainable: parameters.map(([name, tensor]) => ({ name, tensor, decay: tensor.ndim >= 2 })) };
  }
  for (const [, tensor] of parameters) tensor.requiresGrad = false;
  const options = { r: recipe.lora.r, alpha: recipe.lora.alpha, dropout: recipe.lora.dropout, useRslora: recipe.lora.use_rslora };
  const loraLayers = attachLora(model, targetModulesOf(recipe), options, recipe.seed);
  const trainable: TrainableTensor[] = [];
  for (const [name, layer] of loraLayers) {
    trainable.push({ name: `${name}.lora_A.weight`, tensor: layer.loraA, decay: true }, { name: `${name}.lora_B.weight`, tensor: layer.loraB, decay: true });
  }
  return { model, trainable, loraLayers, mixedPrecisionLayers: [] };
}

/**
 * bf16 mixed precision for trained projections: each one (lm_head included; a tied head is the embedding and
 * stays FP32) keeps its FP32 weight as the master and multiplies through a bf16 copy of it.
 */
export function useBf16Copies(model: Llama): MixedPrecisionLinear[] {
  const layers: MixedPrecisionLinear[] = [];
  for (const [name] of model.linearModules()) {
    model.replaceLinear(name, (existing) => {
      const base = existing as unknown as { weight: Tensor; bias: Tensor | null };
      const layer = new MixedPrecisionLinear(base.weight, base.bias);
      layers.push(layer);
      return layer;
    });
  }
  return layers;
}

/** Wraps every projection whose kind (q_proj, ..., down_proj) is in `targets` with a LoRA layer (A seeded). */
export function attachLora(model: Llama, targets: readonly string[], options: LoraOptions, seed: number): Map<string, LoraLinear> {
  const kinds = new Set(targets);
  const init = new Random(seed);
  const layers = new Map<string, LoraLinear>();
  for (const [name] of model.linearModules()) {
    if (!kinds.has(name.slice(name.lastIndexOf('.') + 1))) continue;
    model.replaceLinear(name, (existing) => {
      // projections are nn Linear layers (weight [out, in], optional bias)
      const base = existing as unknown as { weight: Tensor; bias: Tensor | null };
      const layer = new LoraLinear(base.weight, base.bias, options, init);
      layers.set(name, layer);
      return layer;
    });
  }
  return layers;
}

/** Switches dropout on (training) or off (validation) and gives each LoRA layer its generator. */
export function setTrainingMode(loraLayers: Map<string, LoraLinear>, training: boolean, random: Random | null): void {
  for (const layer of loraLayers.values()) {
    layer.training = training;
    layer.random = random;
  }
}
