/**
 * @module engine/models/io/hf-folder-write
 * Saves a Checkpoint as a Hugging Face model folder (config.json, model.safetensors, tokenizer.json,
 * tokenizer_config.json, generation_config.json) that transformers and loadCheckpoint read. HF models apply
 * rotate-half RoPE, so q/k rows of an 'interleaved' checkpoint (llama2.c, GGUF-llama) are permuted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlingError } from '../../../core/errors.ts';
import { hfConfigJson } from '../config.ts';
import { HfTokenizer } from '../tokenizer/hf-tokenizer.ts';
import { SpmTokenizer } from '../tokenizer/spm-tokenizer.ts';
import { llamaTokenizerJson } from '../tokenizer/spm-to-hf.ts';
import type { Checkpoint } from './checkpoint.ts';
import { convertRaw, type RawDtype, type RawTensor } from './raw-tensor.ts';
import { permuteRopeRows } from './rope-layout.ts';
import { writeSafetensors } from './safetensors-write.ts';

const torchDtypes: Record<RawDtype, string> = { f32: 'float32', f16: 'float16', bf16: 'bfloat16' };

export function writeHfFolder(folder: string, checkpoint: Checkpoint, options: { dtype?: RawDtype } = {}): void {
  const { config, tokenizer } = checkpoint;
  mkdirSync(folder, { recursive: true });
  const tensors = new Map<string, RawTensor>();
  for (const [name, tensor] of checkpoint.tensors) {
    if (name === 'lm_head.weight' && config.tieWordEmbeddings) continue;
    const permuted = config.ropeConvention === 'interleaved' && /self_attn\.[qk]_proj\.(weight|bias)$/.test(name) ? permuteRopeRows(tensor, config.headDim, 'interleaved-to-half') : tensor;
    tensors.set(name, options.dtype ? convertRaw(permuted, options.dtype) : permuted);
  }
  const dtype = options.dtype ?? checkpoint.tensors.get('model.embed_tokens.weight')?.dtype ?? 'f32';
  writeSafetensors(join(folder, 'model.safetensors'), tensors, { format: 'pt' });
  writeFileSync(join(folder, 'config.json'), JSON.stringify(hfConfigJson({ ...config, ropeConvention: 'half' }, torchDtypes[dtype]), null, 2));
  let tokenizerJson: Record<string, unknown>;
  if (tokenizer instanceof HfTokenizer) tokenizerJson = tokenizer.tokenizerJson;
  else if (tokenizer instanceof SpmTokenizer) tokenizerJson = llamaTokenizerJson(tokenizer);
  else throw new SlingError('tokenizer_unsupported', 'this tokenizer cannot be saved as tokenizer.json', { file: folder });
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  const tokenText = (id: number | undefined) => (id === undefined ? null : new TextDecoder().decode(tokenizer.tokenBytes(id)) || pieceOf(tokenizerJson, id));
  writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify({
    bos_token: tokenText(tokenizer.bosId),
    eos_token: tokenText(tokenizer.eosIds[0]),
    clean_up_tokenization_spaces: false,
    ...(checkpoint.chatTemplate ? { chat_template: checkpoint.chatTemplate } : {}),
  }, null, 2));
  const generation = { ...checkpoint.generationConfig, bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenIds.length === 1 ? config.eosTokenIds[0] : config.eosTokenIds };
  writeFileSync(join(folder, 'generation_config.json'), JSON.stringify(generation, null, 2));
}

/** Special tokens contribute no bytes, so their text comes from the tokenizer.json itself. */
function pieceOf(tokenizerJson: Record<string, unknown>, id: number): string | null {
  const added = ((tokenizerJson.added_tokens ?? []) as { id: number; content: string }[]).find((token) => token.id === id);
  if (added) return added.content;
  const vocab = (tokenizerJson.model as { vocab?: Record<string, number> }).vocab ?? {};
  return Object.entries(vocab).find(([, value]) => value === id)?.[0] ?? null;
}
