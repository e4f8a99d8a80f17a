/**
 * @module engine/models/load-checkpoint
 * One entry point for every checkpoint format: a Hugging Face model folder, a `.gguf` file, or a llama2.c
 * `.bin` (its tokenizer from `tokenizerPath` or a `tok*.bin` / `tokenizer.bin` beside it), or the name
 * "tiny-random" (the built-in freshly initialised model).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import type { Checkpoint } from './io/checkpoint.ts';
import { loadGgufCheckpoint } from './io/gguf-checkpoint.ts';
import { loadHfFolder } from './io/hf-folder.ts';
import { readSafetensors } from './io/safetensors-read.ts';
import { readLlama2cCheckpoint } from './io/llama2c.ts';
import { readLlama2cTokenizer } from './tokenizer/llama2c-tokenizer.ts';
import { checkpointFromModel } from './model-checkpoint.ts';
import { createTinyRandomModel, TINY_RANDOM_NAME } from './tiny-random.ts';

export interface LoadCheckpointOptions {
  /** llama2.c only: the tokenizer file (default: a tok*.bin or tokenizer.bin in the same folder). */
  tokenizerPath?: string;
}

export async function loadCheckpoint(path: string, options: LoadCheckpointOptions = {}): Promise<Checkpoint> {
  // The built-in offline model is deterministic (seed 0), so training, export and inference all see the same base.
  if (path === TINY_RANDOM_NAME) {
    const tiny = createTinyRandomModel({ seed: 0 });
    return checkpointFromModel(tiny.model, tiny.tokenizer, { chatTemplate: tiny.chatTemplate, source: TINY_RANDOM_NAME });
  }
  if (!existsSync(path)) throw new SlingError('model_not_found', 'no such file or folder', { file: path });
  if (statSync(path).isDirectory()) {
    return existsSync(join(path, FULL_FINE_TUNE_MANIFEST)) ? loadFullFineTune(path) : loadHfFolder(path);
  }
  if (path.endsWith('.gguf')) return loadGgufCheckpoint(path);
  if (path.endsWith('.bin')) return loadLlama2c(path, options.tokenizerPath);
  throw new SlingError('model_unknown_format', 'not a model folder, .gguf or llama2.c .bin file', { file: path, hint: 'pass a Hugging Face model folder, a .gguf file or a llama2.c .bin checkpoint' });
}

/** Written beside `model.safetensors` by a full fine-tuning run: names the base whose tokenizer and config it reuses. */
export const FULL_FINE_TUNE_MANIFEST = 'sling-model.json';

/** A full fine-tune's output folder: the base checkpoint with every weight replaced by the trained one. */
async function loadFullFineTune(folder: string): Promise<Checkpoint> {
  const manifestFile = join(folder, FULL_FINE_TUNE_MANIFEST);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { base?: unknown; tokenizer?: unknown };
  if (typeof manifest.base !== 'string') throw new SlingError('model_invalid', 'the manifest does not name its base model', { file: manifestFile, field: 'base' });
  const base = await loadCheckpoint(manifest.base, { tokenizerPath: typeof manifest.tokenizer === 'string' ? manifest.tokenizer : undefined });
  const weightsFile = join(folder, 'model.safetensors');
  const { tensors } = readSafetensors(weightsFile);
  for (const name of base.tensors.keys()) {
    if (!tensors.has(name)) throw new SlingError('model_invalid', `the fine-tuned weights lack "${name}" of the base`, { file: weightsFile, field: name });
  }
  return { ...base, tensors, source: folder };
}

function loadLlama2c(path: string, tokenizerPath?: string): Checkpoint {
  const { config, tensors } = readLlama2cCheckpoint(path);
  if (tokenizerPath) return { config, tensors, tokenizer: readLlama2cTokenizer(tokenizerPath, config.vocabSize), source: path, format: 'llama2c' };
  // Several tokenizers may sit beside the model (tok512.bin, tok4096.bin): take the one of the right size.
  const candidates = llama2cTokenizersBeside(path);
  for (const candidate of candidates.slice(0, -1)) {
    try {
      return { config, tensors, tokenizer: readLlama2cTokenizer(candidate, config.vocabSize), source: path, format: 'llama2c' };
    } catch {
      // try the next one; the last candidate's error is the one reported
    }
  }
  return { config, tensors, tokenizer: readLlama2cTokenizer(candidates.at(-1)!, config.vocabSize), source: path, format: 'llama2c' };
}

function llama2cTokenizersBeside(modelPath: string): string[] {
  const folder = dirname(modelPath);
  const candidates = readdirSync(folder)
    .filter((name) => name !== basename(modelPath) && (/^tok.*\.bin$/.test(name) || name === 'tokenizer.bin'))
    .sort();
  if (candidates.length === 0) {
    throw new SlingError('tokenizer_not_found', 'no llama2.c tokenizer (tok*.bin or tokenizer.bin) beside the checkpoint', { file: modelPath, hint: 'pass the tokenizer file explicitly (tokenizerPath / --tokenizer)' });
  }
  return candidates.map((name) => join(folder, name));
}
