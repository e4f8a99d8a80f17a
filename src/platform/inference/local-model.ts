/**
 * @module platform/inference/local-model
 * Loads a model for local inference from a path, a Hugging Face Hub id (through the hub cache) or the name
 * "tiny-random" (the offline random model), optionally with a LoRA adapter applied (a Sling run directory or a
 * PEFT adapter folder).
 */
import { basename } from 'node:path';
import { resolveModel } from '../../engine/models/hub/resolve-model.ts';
import type { Llama } from '../../engine/models/llama.ts';
import { loadCheckpoint } from '../../engine/models/load-checkpoint.ts';
import { modelFromCheckpoint } from '../../engine/models/model-builders.ts';
import { createTinyRandomModel, TINY_RANDOM_NAME } from '../../engine/models/tiny-random.ts';
import type { Tokenizer } from '../../engine/models/tokenizer/tokenizer.ts';
import { applyAdapter, loadAdapter } from '../../engine/train/adapter/apply-adapter.ts';

export interface LocalModel {
  name: string;
  model: Llama;
  tokenizer: Tokenizer;
  /** Jinja chat template, when the checkpoint has one. */
  chatTemplate?: string;
  /** The adapter applied, if any. */
  adapterPath?: string;
}

export interface LoadLocalModelOptions {
  /** llama2.c checkpoints: the tokenizer file. */
  tokenizerPath?: string;
  /** Keep matrices bf16 (half the memory; frozen weights only). */
  dtype?: 'f32' | 'bf16';
  /** A Sling training run directory or a PEFT LoRA adapter folder. */
  adapterPath?: string;
  /** Seed of the tiny-random model. */
  seed?: number;
}

export async function loadLocalModel(pathOrHubId: string, options: LoadLocalModelOptions = {}): Promise<LocalModel> {
  let local: LocalModel;
  if (pathOrHubId === TINY_RANDOM_NAME) {
    const tiny = createTinyRandomModel({ seed: options.seed ?? 0 });
    local = { name: tiny.name, model: tiny.model, tokenizer: tiny.tokenizer, chatTemplate: tiny.chatTemplate };
  } else {
    const path = await resolveModel(pathOrHubId);
    const checkpoint = await loadCheckpoint(path, { tokenizerPath: options.tokenizerPath });
    const model = modelFromCheckpoint(checkpoint, { dtype: options.dtype });
    local = { name: pathOrHubId.includes('/') && path !== pathOrHubId ? pathOrHubId : basename(path), model, tokenizer: checkpoint.tokenizer, chatTemplate: checkpoint.chatTemplate };
  }
  if (options.adapterPath) {
    applyAdapter(local.model, loadAdapter(options.adapterPath, local.model.config));
    local = { ...local, name: `${local.name}+${basename(options.adapterPath)}`, adapterPath: options.adapterPath };
  }
  return local;
}
