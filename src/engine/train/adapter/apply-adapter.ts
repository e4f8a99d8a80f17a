/**
 * @module engine/train/adapter/apply-adapter
 * Puts a LoRA adapter on a loaded model for inference: each adapted projection becomes a LoraLinear holding the
 * adapter's A and B (dropout off). `loadAdapter` accepts a Sling run directory (its `adapter/`) or any PEFT
 * LoRA folder.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SlingError } from '../../../core/errors.ts';
import type { LlamaConfig } from '../../models/config.ts';
import type { Llama } from '../../models/llama.ts';
import { Random, type Tensor } from '../../tensor/index.ts';
import { LoraLinear } from '../../nn/lora-linear.ts';
import type { LoraAdapter } from './lora-adapter.ts';
import { readPeftAdapter } from './peft-adapter.ts';

export function loadAdapter(path: string, base: Pick<LlamaConfig, 'numHeads' | 'numKvHeads' | 'ropeConvention'>): LoraAdapter {
  const folder = existsSync(join(path, 'adapter', 'adapter_config.json')) ? join(path, 'adapter') : path;
  return readPeftAdapter(folder, base);
}

export function applyAdapter(model: Llama, adapter: LoraAdapter): Map<string, LoraLinear> {
  const layers = new Map<string, LoraLinear>();
  const known = new Set(model.linearModules().map(([name]) => name));
  const { r, alpha, useRslora } = adapter.config;
  for (const [module, pair] of adapter.layers) {
    if (!known.has(module)) {
      throw new SlingError('adapter_mismatch', `the adapter targets ${module}, which this model does not have`, { field: module, hint: 'apply the adapter to the base model it was trained on' });
    }
    model.replaceLinear(module, (existing) => {
      const base = existing as unknown as { weight: Tensor; bias: Tensor | null };
      const [outFeatures, inFeatures] = base.weight.shape;
      if (outFeatures !== pair.outFeatures || inFeatures !== pair.inFeatures) {
        throw new SlingError('adapter_mismatch', `${module} is [${outFeatures}, ${inFeatures}] but the adapter expects [${pair.outFeatures}, ${pair.inFeatures}]`, { field: module, hint: 'apply the adapter to the base model it was trained on' });
      }
      const layer = new LoraLinear(base.weight, base.bias, { r, alpha, dropout: 0, useRslora }, new Random(0));
      (layer.loraA.values as Float32Array).set(pair.a);
      (layer.loraB.values as Float32Array).set(pair.b);
      layer.loraA.requiresGrad = false;
      layer.loraB.requiresGrad = false;
      layer.training = false;
      layers.set(module, layer);
      return layer;
    });
  }
  return layers;
}
