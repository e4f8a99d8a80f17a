/**
 * @module engine/train/adapter/peft-adapter
 * Hugging Face PEFT adapter folders: `adapter_config.json` (peft_type LORA, task_type CAUSAL_LM, r, lora_alpha,
 * lora_dropout, target_modules, base_model_name_or_path, bias "none", use_rslora) and
 * `adapter_model.safetensors` with `base_model.model.<module>.lora_A.weight` [r, in] / `.lora_B.weight` [out, r].
 * PEFT files use Hugging Face's 'half' RoPE layout for q/k; adapters on 'interleaved' bases are converted.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlingError } from '../../../core/errors.ts';
import type { LlamaConfig } from '../../models/config.ts';
import { readSafetensors } from '../../models/io/safetensors-read.ts';
import { writeSafetensors } from '../../models/io/safetensors-write.ts';
import { convertRaw, type RawTensor } from '../../models/io/raw-tensor.ts';
import { moduleKind, parsePeftTensorName, peftTensorName } from './adapter-names.ts';
import { convertRopeRows, type LoraAdapter, type LoraPair } from './lora-adapter.ts';

type HeadCounts = Pick<LlamaConfig, 'numHeads' | 'numKvHeads'>;

export function writePeftAdapter(folder: string, adapter: LoraAdapter, base: HeadCounts): void {
  mkdirSync(folder, { recursive: true });
  const tensors = new Map<string, RawTensor>();
  for (const [module, pair] of adapter.layers) {
    const r = pair.a.length / pair.inFeatures;
    const b = convertRopeRows(module, pair, adapter.ropeConvention, 'half', base);
    tensors.set(peftTensorName(module, 'A'), { dtype: 'f32', shape: [r, pair.inFeatures], data: pair.a });
    tensors.set(peftTensorName(module, 'B'), { dtype: 'f32', shape: [pair.outFeatures, r], data: b });
  }
  writeSafetensors(join(folder, 'adapter_model.safetensors'), tensors, { format: 'pt' });
  const config = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    r: adapter.config.r,
    lora_alpha: adapter.config.alpha,
    lora_dropout: adapter.config.dropout,
    target_modules: adapter.config.targetModules,
    base_model_name_or_path: adapter.config.baseModel,
    bias: 'none',
    use_rslora: adapter.config.useRslora,
    fan_in_fan_out: false,
    inference_mode: true,
  };
  writeFileSync(join(folder, 'adapter_config.json'), JSON.stringify(config, null, 2) + '\n');
}

/**
 * Reads a PEFT LoRA folder (written by Sling or by PEFT) for a base with the given RoPE layout and head counts.
 * Only LoRA on linear layers is supported; anything else is an error naming the file and key.
 */
export function readPeftAdapter(folder: string, base: HeadCounts & Pick<LlamaConfig, 'ropeConvention'>): LoraAdapter {
  const configFile = join(folder, 'adapter_config.json');
  const weightsFile = join(folder, 'adapter_model.safetensors');
  if (!existsSync(configFile)) throw new SlingError('adapter_not_found', 'no adapter_config.json in the adapter folder', { file: folder, hint: 'pass a PEFT adapter folder or a Sling run directory' });
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(configFile, 'utf8'));
  } catch (error) {
    throw new SlingError('adapter_invalid', `not valid JSON: ${(error as Error).message}`, { file: configFile, cause: error });
  }
  const invalid = (field: string, message: string) => new SlingError('adapter_invalid', message, { file: configFile, field });
  if (json.peft_type !== 'LORA') throw invalid('peft_type', `only LORA adapters are supported, got ${JSON.stringify(json.peft_type)}`);
  if (typeof json.r !== 'number' || json.r < 1) throw invalid('r', 'r must be a positive number');
  if (typeof json.lora_alpha !== 'number') throw invalid('lora_alpha', 'lora_alpha must be a number');
  if (json.bias !== undefined && json.bias !== 'none') throw invalid('bias', `bias "${String(json.bias)}" is not supported (only "none")`);
  if (!existsSync(weightsFile)) throw new SlingError('adapter_not_found', 'no adapter_model.safetensors in the adapter folder', { file: folder });
  const { tensors } = readSafetensors(weightsFile);
  const parts = new Map<string, { a?: RawTensor; b?: RawTensor }>();
  for (const [name, tensor] of tensors) {
    const parsed = parsePeftTensorName(name);
    if (!parsed) throw new SlingError('adapter_invalid', `unexpected tensor "${name}" (only lora_A / lora_B weights are supported)`, { file: weightsFile, field: name });
    const entry = parts.get(parsed.module) ?? {};
    entry[parsed.part === 'A' ? 'a' : 'b'] = convertRaw(tensor, 'f32');
    parts.set(parsed.module, entry);
  }
  const layers = new Map<string, LoraPair>();
  for (const [module, { a, b }] of parts) {
    if (!a || !b) throw new SlingError('adapter_invalid', `module ${module} has only one of lora_A / lora_B`, { file: weightsFile, field: module });
    const [r, inFeatures] = a.shape;
    const [outFeatures, rb] = b.shape;
    if (r !== rb || r !== json.r) throw new SlingError('adapter_invalid', `module ${module}: lora_A is [${a.shape}] and lora_B is [${b.shape}], ranks differ from r=${json.r}`, { file: weightsFile, field: module });
    const pair: LoraPair = { a: a.data as Float32Array, b: b.data as Float32Array, inFeatures, outFeatures };
    pair.b = convertRopeRows(module, pair, 'half', base.ropeConvention, base);
    layers.set(module, pair);
  }
  const targets = Array.isArray(json.target_modules) ? json.target_modules.map(String) : [...new Set([...layers.keys()].map(moduleKind))];
  return {
    config: {
      r: json.r,
      alpha: json.lora_alpha,
      dropout: typeof json.lora_dropout === 'number' ? json.lora_dropout : 0,
      targetModules: targets,
      useRslora: json.use_rslora === true,
      baseModel: typeof json.base_model_name_or_path === 'string' ? json.base_model_name_or_path : '',
    },
    layers,
    ropeConvention: base.ropeConvention,
  };
}
