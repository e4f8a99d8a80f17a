/**
 * @module engine/train/export/export-run
 * `sling export RUN --format ...`: turns a finished run into files other tools load.
 * - peft: the PEFT adapter folder (LoRA runs).
 * - gguf-lora: a llama.cpp LoRA adapter (`adapter.gguf`) for the base GGUF (LoRA runs).
 * - merged-safetensors: base + ΔW (or the fully fine-tuned weights) as `model.safetensors` + `config.json` in
 *   Hugging Face layout (q/k rows in rotate-half order); tokenizer files are copied when the base has them.
 * - merged-gguf: the same merged weights as `model.gguf` with the tokenizer, for llama.cpp.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SlingError } from '../../../core/errors.ts';
import type { Checkpoint } from '../../models/io/checkpoint.ts';
import { writeGgufCheckpoint } from '../../models/io/gguf-export.ts';
import { rawToF32, type RawTensor } from '../../models/io/raw-tensor.ts';
import { permuteRopeRows } from '../../models/io/rope-layout.ts';
import { readSafetensors } from '../../models/io/safetensors-read.ts';
import { writeSafetensors } from '../../models/io/safetensors-write.ts';
import { loadCheckpoint } from '../../models/load-checkpoint.ts';
import { loadAdapter } from '../adapter/apply-adapter.ts';
import { writeGgufLora } from '../adapter/gguf-lora.ts';
import { writePeftAdapter } from '../adapter/peft-adapter.ts';
import { validateRecipe } from '../recipe/load-recipe.ts';
import type { Recipe } from '../recipe/recipe-schema.ts';
import { runPaths } from '../run-directory.ts';
import { hfConfigJson } from '../../models/config.ts';
import { mergeFull, mergeLora } from './merge-weights.ts';

export const EXPORT_FORMATS = ['peft', 'gguf-lora', 'merged-safetensors', 'merged-gguf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportResult {
  format: ExportFormat;
  files: string[];
}

export function readRunRecipe(runDirectory: string): Recipe {
  const paths = runPaths(runDirectory);
  if (!existsSync(paths.config)) throw new SlingError('run_not_found', 'not a training run directory (no config.json)', { file: runDirectory, hint: 'pass the --out folder of `sling train`' });
  return validateRecipe(JSON.parse(readFileSync(paths.config, 'utf8')), paths.config);
}

/** The base checkpoint with the run's training folded in. */
export async function mergedCheckpoint(runDirectory: string): Promise<Checkpoint> {
  const recipe = readRunRecipe(runDirectory);
  const paths = runPaths(runDirectory);
  const base = await loadCheckpoint(recipe.model, { tokenizerPath: recipe.tokenizer });
  if (recipe.method === 'lora') return mergeLora(base, loadAdapter(runDirectory, base.config));
  const weightsFile = join(paths.model, 'model.safetensors');
  if (!existsSync(weightsFile)) throw new SlingError('run_incomplete', 'the run has no final model weights yet', { file: weightsFile, hint: 'wait for training to finish' });
  return mergeFull(base, readSafetensors(weightsFile).tensors);
}

export async function exportRun(runDirectory: string, format: ExportFormat, outDirectory: string): Promise<ExportResult> {
  const recipe = readRunRecipe(runDirectory);
  mkdirSync(outDirectory, { recursive: true });
  if (format === 'peft' || format === 'gguf-lora') {
    if (recipe.method !== 'lora') throw new SlingError('export_needs_lora', `--format ${format} needs a LoRA run; this run fine-tuned every weight`, { file: runDirectory, hint: 'use --format merged-safetensors or merged-gguf' });
    const base = await loadCheckpoint(recipe.model, { tokenizerPath: recipe.tokenizer });
    const adapter = loadAdapter(runDirectory, base.config);
    if (format === 'peft') {
      writePeftAdapter(outDirectory, adapter, base.config);
      return { format, files: [join(outDirectory, 'adapter_config.json'), join(outDirectory, 'adapter_model.safetensors')] };
    }
    const file = join(outDirectory, 'adapter.gguf');
    writeGgufLora(file, adapter, base.config, basename(runDirectory));
    return { format, files: [file] };
  }
  const merged = await mergedCheckpoint(runDirectory);
  if (format === 'merged-gguf') {
    const file = join(outDirectory, 'model.gguf');
    writeGgufCheckpoint(file, merged, { dtype: 'f32', name: basename(runDirectory) });
    return { format, files: [file] };
  }
  return { format, files: writeHfFolder(outDirectory, merged) };
}

/** model.safetensors + config.json in Hugging Face layout; tokenizer files copied from an HF base. */
function writeHfFolder(folder: string, checkpoint: Checkpoint): string[] {
  const { config } = checkpoint;
  const tensors = new Map<string, RawTensor>();
  for (const [name, tensor] of checkpoint.tensors) {
    if (name === 'lm_head.weight' && config.tieWordEmbeddings) continue;
    let value: RawTensor = { dtype: 'f32', shape: [...tensor.shape], data: rawToF32(tensor) };
    if (config.ropeConvention === 'interleaved' && /\.self_attn\.[qk]_proj\.(weight|bias)$/.test(name)) value = permuteRopeRows(value, config.headDim, 'interleaved-to-half');
    tensors.set(name, value);
  }
  const files = [join(folder, 'model.safetensors'), join(folder, 'config.json')];
  writeSafetensors(files[0], tensors, { format: 'pt' });
  writeFileSync(files[1], JSON.stringify(hfConfigJson({ ...config, ropeConvention: 'half' }), null, 2) + '\n');
  if (checkpoint.format === 'hf') {
    for (const name of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'generation_config.json', 'tokenizer.model']) {
      const source = join(checkpoint.source, name);
      if (existsSync(source)) {
        copyFileSync(source, join(folder, name));
        files.push(join(folder, name));
      }
    }
  }
  return files;
}
