/**
 * @module engine/models/io/hf-folder
 * A Hugging Face model folder as a Checkpoint: config.json (+ generation_config.json), tokenizer.json +
 * tokenizer_config.json (with its chat template), and the weights from model.safetensors or the shards
 * listed in model.safetensors.index.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlingError } from '../../../core/errors.ts';
import { parseHfConfig } from '../config.ts';
import { HfTokenizer } from '../tokenizer/hf-tokenizer.ts';
import type { Checkpoint } from './checkpoint.ts';
import type { RawTensor } from './raw-tensor.ts';
import { readSafetensors } from './safetensors-read.ts';

export function readJsonFile(file: string, required: true): Record<string, unknown>;
export function readJsonFile(file: string, required: false): Record<string, unknown> | undefined;
export function readJsonFile(file: string, required: boolean): Record<string, unknown> | undefined {
  if (!existsSync(file)) {
    if (!required) return undefined;
    throw new SlingError('model_file_missing', 'required file is missing', { file, hint: 'a Hugging Face model folder needs config.json, tokenizer.json and *.safetensors' });
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new SlingError('model_file_invalid', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { file, cause: error });
  }
}

export function weightFiles(folder: string): string[] {
  const indexFile = join(folder, 'model.safetensors.index.json');
  if (existsSync(indexFile)) {
    const weightMap = readJsonFile(indexFile, true).weight_map as Record<string, string> | undefined;
    if (!weightMap) throw new SlingError('model_config_missing_key', 'required key "weight_map" is missing', { file: indexFile, field: 'weight_map' });
    return [...new Set(Object.values(weightMap))].sort().map((name) => join(folder, name));
  }
  const single = join(folder, 'model.safetensors');
  if (existsSync(single)) return [single];
  throw new SlingError('model_file_missing', 'no model.safetensors or model.safetensors.index.json in the folder', { file: folder });
}

export function loadHfFolder(folder: string): Checkpoint {
  const configFile = join(folder, 'config.json');
  const config = parseHfConfig(readJsonFile(configFile, true), configFile);
  const generationConfig = readJsonFile(join(folder, 'generation_config.json'), false);
  const tokenizerFile = join(folder, 'tokenizer.json');
  const tokenizerConfig = readJsonFile(join(folder, 'tokenizer_config.json'), false) ?? {};
  const tokenizer = new HfTokenizer(readJsonFile(tokenizerFile, true), tokenizerConfig, tokenizerFile);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new SlingError('tokenizer_mismatch', `the tokenizer has ${tokenizer.vocabSize} tokens but config.json says vocab_size ${config.vocabSize}`, { file: tokenizerFile, hint: 'the tokenizer belongs to a different model' });
  }
  const tensors = new Map<string, RawTensor>();
  for (const file of weightFiles(folder)) {
    for (const [name, tensor] of readSafetensors(file).tensors) tensors.set(name, tensor);
  }
  const embedding = tensors.get('model.embed_tokens.weight');
  if (!embedding) throw new SlingError('model_tensor_missing', 'no model.embed_tokens.weight in the weights', { file: folder });
  if (embedding.shape[0] !== config.vocabSize || embedding.shape[1] !== config.hiddenSize) {
    throw new SlingError('model_shape_mismatch', `model.embed_tokens.weight is [${embedding.shape.join(', ')}] but config.json says [${config.vocabSize}, ${config.hiddenSize}]`, { file: configFile });
  }
  // A config may omit tie_word_embeddings when lm_head is simply absent.
  if (!tensors.has('lm_head.weight')) config.tieWordEmbeddings = true;
  const generationEos = generationConfig?.eos_token_id;
  const extraEos = [...tokenizer.eosIds, ...(typeof generationEos === 'number' ? [generationEos] : Array.isArray(generationEos) ? generationEos : [])];
  config.eosTokenIds = [...new Set([...config.eosTokenIds, ...extraEos.filter((id): id is number => typeof id === 'number')])];
  if (config.bosTokenId === undefined) config.bosTokenId = tokenizer.bosId;
  const template = tokenizerConfig.chat_template;
  return {
    config,
    tensors,
    tokenizer,
    chatTemplate: typeof template === 'string' ? template : Array.isArray(template) ? defaultTemplate(template) : undefined,
    generationConfig,
    source: folder,
    format: 'hf',
  };
}

/** tokenizer_config.json may list named templates; the one named "default" is the chat template. */
function defaultTemplate(templates: unknown[]): string | undefined {
  const entry = templates.find((item) => (item as { name?: string }).name === 'default') as { template?: string } | undefined;
  return entry?.template;
}
