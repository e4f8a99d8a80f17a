/**
 * @module platform/serve/local/test-adapters
 * Test helper: random LoRA adapters for a model, written as real PEFT folders with the training helper's writer,
 * so serving tests load adapters through the same path as trained ones. Not used outside tests and benches.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Llama } from '../../../engine/models/llama.ts';
import type { LoraAdapter, LoraPair } from '../../../engine/train/adapter/lora-adapter.ts';
import { writePeftAdapter } from '../../../engine/train/adapter/peft-adapter.ts';
import { Random } from '../../../engine/tensor/index.ts';

/**
 * A rank-`r` adapter on q_proj and v_proj of every layer with random A and B uniform in ±magnitude/2. The
 * default is large enough to visibly change a tiny model's outputs in tests; the benchmark uses a smaller
 * magnitude, closer to trained adapters (whose B starts at zero and stays small).
 */
export function randomAdapter(model: Llama, seed: number, r = 4, baseModel = 'tiny-random', magnitude = 0.5): LoraAdapter {
  const random = new Random(seed);
  const layers = new Map<string, LoraPair>();
  for (const [name, module] of model.linearModules()) {
    if (!/q_proj|v_proj/.test(name)) continue;
    const [weightName, weight] = module.namedParameters().find(([parameter]) => parameter === 'weight')!;
    void weightName;
    const [outFeatures, inFeatures] = weight.shape;
    const a = Float32Array.from({ length: r * inFeatures }, () => (random.nextFloat() - 0.5) * magnitude);
    const b = Float32Array.from({ length: outFeatures * r }, () => (random.nextFloat() - 0.5) * magnitude);
    layers.set(name, { a, b, inFeatures, outFeatures });
  }
  return { config: { r, alpha: 2 * r, dropout: 0, targetModules: ['q_proj', 'v_proj'], useRslora: false, baseModel }, layers, ropeConvention: model.config.ropeConvention };
}

/** Writes `count` random adapters as PEFT folders `adapter-0..` under `root`; returns their folders. */
export function writeRandomAdapters(model: Llama, root: string, count: number, seed = 100): string[] {
  return Array.from({ length: count }, (_, index) => {
    const folder = join(root, `adapter-${index}`);
    mkdirSync(folder, { recursive: true });
    writePeftAdapter(folder, randomAdapter(model, seed + index), model.config);
    return folder;
  });
}
