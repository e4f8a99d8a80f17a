/**
 * Independent reference: a GGUF LoRA written by Sling, loaded by llama.cpp (node-llama-cpp 3.21.1) on top of its
 * base GGUF, gives the same greedy tokens as Sling's engine with the same adapter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, LlamaLogLevel, type Llama as LlamaCpp } from 'node-llama-cpp';
import type { Checkpoint } from '../../models/io/checkpoint.ts';
import { writeGgufCheckpoint } from '../../models/io/gguf-export.ts';
import { rawToF32 } from '../../models/io/raw-tensor.ts';
import { permuteRopeRows } from '../../models/io/rope-layout.ts';
import { stories260KDir, stories260KSkip as skip } from '../../models/io/test-data.ts';
import { loadCheckpoint } from '../../models/load-checkpoint.ts';
import { modelFromCheckpoint } from '../../models/model-builders.ts';
import { Random } from '../../tensor/index.ts';
import { exportRun } from '../export/export-run.ts';
import { greedyTokens } from '../greedy-tokens.ts';
import { validateRecipe } from '../recipe/load-recipe.ts';
import { runTraining } from '../train-run.ts';
import { applyAdapter, loadAdapter } from './apply-adapter.ts';
import { writeGgufLora } from './gguf-lora.ts';
import type { LoraAdapter } from './lora-adapter.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-gguf-lora-'));
let llamaCpp: LlamaCpp | undefined;
test.after(async () => {
  await llamaCpp?.dispose();
  rmSync(folder, { recursive: true, force: true });
});

async function llamaCppGreedy(modelPath: string, adapterPath: string | undefined, prompt: number[], steps: number): Promise<number[]> {
  llamaCpp ??= await getLlama({ gpu: false, logLevel: LlamaLogLevel.error });
  const model = await llamaCpp.loadModel({ modelPath });
  try {
    const context = await model.createContext({
      contextSize: 128, threads: 1, flashAttention: false, experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32',
      ...(adapterPath ? { lora: { adapters: [{ filePath: adapterPath, scale: 1 }] } } : {}),
    });
    const tokens: number[] = [];
    for await (const token of context.getSequence().evaluate(prompt as never[], { temperature: 0 })) {
      tokens.push(Number(token));
      if (tokens.length >= steps) break;
    }
    await context.dispose();
    return tokens;
  } finally {
    await model.dispose();
  }
}

test('a LoRA trained by Sling on stories260K.gguf, exported as GGUF, gives llama.cpp the same greedy tokens', { skip }, async () => {
  const basePath = join(stories260KDir, 'stories260K.gguf');
  const base = await loadCheckpoint(basePath);
  const prompt = 'Once upon a time';
  const rows = Array.from({ length: 16 }, () => JSON.stringify({ prompt, completion: ' the robot said: beep beep beep. The robot was happy.' }));
  writeFileSync(join(folder, 'train.jsonl'), rows.join('\n') + '\n');
  const recipe = validateRecipe({
    model: basePath, out: join(folder, 'run'), data: { train: join(folder, 'train.jsonl'), validation_fraction: 0 },
    lora: { r: 4, alpha: 8, dropout: 0 }, optimizer: { learning_rate: 1e-2 }, schedule: { kind: 'constant', warmup_ratio: 0 },
    max_steps: 30, batch_size: 4, eval_interval: 0, checkpoint_interval: 0, early_stopping_patience: 0,
  });
  const summary = await runTraining(recipe);
  assert.ok(summary.finalLoss! < summary.firstLoss! / 2, `training lowered the loss (${summary.firstLoss} → ${summary.finalLoss})`);
  const { files } = await exportRun(recipe.out, 'gguf-lora', join(folder, 'export'));

  const promptIds = base.tokenizer.encode(prompt, { addBos: true });
  const steps = 24;
  const baseModel = modelFromCheckpoint(base);
  const baseTokens = greedyTokens(baseModel, promptIds, steps);
  applyAdapter(baseModel, loadAdapter(recipe.out, base.config));
  const slingTokens = greedyTokens(baseModel, promptIds, steps);
  const referenceTokens = await llamaCppGreedy(basePath, files[0], promptIds, steps);
  const referenceBase = await llamaCppGreedy(basePath, undefined, promptIds, steps);
  assert.deepEqual(referenceBase, baseTokens, 'without the adapter both engines agree');
  assert.notDeepEqual(slingTokens, baseTokens, 'the adapter visibly changes the output');
  assert.deepEqual(referenceTokens, slingTokens, `llama.cpp with the adapter: ${base.tokenizer.decode(referenceTokens)} / Sling: ${base.tokenizer.decode(slingTokens)}`);
  const merged = await exportRun(recipe.out, 'merged-gguf', join(folder, 'merged'));
  assert.deepEqual(await llamaCppGreedy(merged.files[0], undefined, promptIds, steps), slingTokens, 'the merged GGUF gives the same tokens too');
});

/** stories260K with q/k rows moved to Hugging Face's rotate-half layout, as if loaded from an HF folder. */
function halfLayout(checkpoint: Checkpoint): Checkpoint {
  const tensors = new Map(checkpoint.tensors);
  for (const [name, tensor] of tensors) {
    if (/self_attn\.[qk]_proj\.weight$/.test(name)) tensors.set(name, permuteRopeRows({ ...tensor, data: rawToF32(tensor) }, checkpoint.config.headDim, 'interleaved-to-half'));
  }
  return { ...checkpoint, tensors, config: { ...checkpoint.config, ropeConvention: 'half' } };
}

test('for an HF-layout base the GGUF LoRA gets llama.cpp\'s q/k row permutation (same tokens as Sling)', { skip }, async () => {
  const base = halfLayout(await loadCheckpoint(join(stories260KDir, 'stories260K.bin')));
  const baseFile = join(folder, 'half-base.gguf');
  writeGgufCheckpoint(baseFile, base, { dtype: 'f32' });
  const random = new Random(5);
  const { config } = base;
  const adapter: LoraAdapter = { config: { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj'], useRslora: false, baseModel: 'half' }, ropeConvention: 'half', layers: new Map() };
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const [kind, out] of [['q_proj', config.numHeads * config.headDim], ['k_proj', config.numKvHeads * config.headDim], ['v_proj', config.numKvHeads * config.headDim]] as const) {
      const a = random.fillNormal(new Float32Array(4 * config.hiddenSize), 0, 0.3);
      const b = random.fillNormal(new Float32Array(out * 4), 0, 0.3);
      adapter.layers.set(`model.layers.${layer}.self_attn.${kind}`, { a, b, inFeatures: config.hiddenSize, outFeatures: out });
    }
  }
  const adapterFile = join(folder, 'half-adapter.gguf');
  writeGgufLora(adapterFile, adapter, config);
  const prompt = base.tokenizer.encode('The little dog', { addBos: true });
  const model = modelFromCheckpoint(base);
  const baseTokens = greedyTokens(model, prompt, 24);
  applyAdapter(model, adapter);
  const slingTokens = greedyTokens(model, prompt, 24);
  assert.notDeepEqual(slingTokens, baseTokens);
  assert.deepEqual(await llamaCppGreedy(baseFile, adapterFile, prompt, 24), slingTokens);
});
