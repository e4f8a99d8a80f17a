/**
 * @module engine/train/save-final
 * The run's final weights: a PEFT adapter folder (`adapter/`) for LoRA, or `model/model.safetensors` with every
 * weight under its Hugging Face name for full fine-tuning (plus `sling-model.json` naming the base, whose
 * tokenizer and config the fine-tuned weights reuse).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint } from '../models/io/checkpoint.ts';
import type { RawTensor } from '../models/io/raw-tensor.ts';
import { writeSafetensors } from '../models/io/safetensors-write.ts';
import { targetModulesOf, type Recipe } from './recipe/recipe-schema.ts';
import type { LoraAdapter } from './adapter/lora-adapter.ts';
import { writePeftAdapter } from './adapter/peft-adapter.ts';
import type { LoraLinear } from '../nn/lora-linear.ts';
import type { RunPaths } from './run-directory.ts';
import type { TrainableTensor } from './setup-model.ts';

export function adapterFromLayers(loraLayers: Map<string, LoraLinear>, recipe: Recipe, checkpoint: Pick<Checkpoint, 'config'>): LoraAdapter {
  const layers = new Map([...loraLayers].map(([module, layer]) => {
    const [outFeatures, inFeatures] = layer.weight.shape;
    return [module, { a: (layer.loraA.values as Float32Array).slice(), b: (layer.loraB.values as Float32Array).slice(), inFeatures, outFeatures }];
  }));
  return {
    config: { r: recipe.lora.r, alpha: recipe.lora.alpha, dropout: recipe.lora.dropout, targetModules: targetModulesOf(recipe), useRslora: recipe.lora.use_rslora, baseModel: recipe.model },
    layers,
    ropeConvention: checkpoint.config.ropeConvention,
  };
}

export function saveFinalWeights(paths: RunPaths, recipe: Recipe, checkpoint: Checkpoint, trainable: TrainableTensor[], loraLayers: Map<string, LoraLinear>): string {
  if (recipe.method === 'lora') {
    writePeftAdapter(paths.adapter, adapterFromLayers(loraLayers, recipe, checkpoint), checkpoint.config);
    return paths.adapter;
  }
  mkdirSync(paths.model, { recursive: true });
  const tensors = new Map<string, RawTensor>();
  for (const { name, tensor } of trainable) tensors.set(name, { dtype: 'f32', shape: [...tensor.shape], data: tensor.values as Float32Array });
  writeSafetensors(join(paths.model, 'model.safetensors'), tensors, { format: 'pt' });
  writeFileSync(join(paths.model, 'sling-model.json'), JSON.stringify({ base: recipe.model, tokenizer: recipe.tokenizer ?? null, config: checkpoint.config }, null, 2) + '\n');
  return paths.model;
}
