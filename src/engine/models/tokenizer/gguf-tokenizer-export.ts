/**
 * @module engine/models/tokenizer/gguf-tokenizer-export
 * The `tokenizer.ggml.*` metadata for a tokenizer, so a written GGUF carries its vocabulary: SentencePiece
 * vocabularies as model 'llama' (pieces, scores, token types), byte-level BPE tokenizer.json files as model
 * 'gpt2' (tokens, merges, pre-tokenizer name), SentencePiece-style BPE tokenizer.json files as 'llama'.
 */
import { SlingError } from '../../../core/errors.ts';
import { ggufTyped, type GgufValue } from '../io/gguf-write.ts';
import { HfTokenizer } from './hf-tokenizer.ts';
import { SpmTokenizer } from './spm-tokenizer.ts';
import { TokenType, type Tokenizer } from './tokenizer.ts';

const llama3Marker = "\\p{N}{1,3}";
const qwen2Marker = "[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|";

export function ggufTokenizerMetadata(tokenizer: Tokenizer, file: string): Record<string, GgufValue> {
  const ids: Record<string, GgufValue> = {};
  if (tokenizer.bosId !== undefined) ids['tokenizer.ggml.bos_token_id'] = ggufTyped.scalar('u32', tokenizer.bosId);
  if (tokenizer.eosIds.length) ids['tokenizer.ggml.eos_token_id'] = ggufTyped.scalar('u32', tokenizer.eosIds[0]);
  if (tokenizer instanceof SpmTokenizer) {
    const vocabulary = tokenizer.vocabulary;
    const metadata: Record<string, GgufValue> = {
      'tokenizer.ggml.model': 'llama',
      'tokenizer.ggml.tokens': vocabulary.pieces,
      'tokenizer.ggml.scores': ggufTyped.array('f32', vocabulary.scores),
      'tokenizer.ggml.token_type': ggufTyped.array('i32', vocabulary.pieces.map((_, id) => vocabulary.types?.[id] ?? TokenType.normal)),
      'tokenizer.ggml.add_space_prefix': vocabulary.addSpacePrefix !== false,
      'tokenizer.ggml.add_bos_token': tokenizer.bosId !== undefined,
      ...ids,
    };
    if (vocabulary.unknownId !== undefined) metadata['tokenizer.ggml.unknown_token_id'] = ggufTyped.scalar('u32', vocabulary.unknownId);
    return metadata;
  }
  if (tokenizer instanceof HfTokenizer && tokenizer.byteLevel) {
    const model = tokenizer.tokenizerJson.model as { type?: string; vocab?: Record<string, number>; merges?: unknown[] };
    if (model.type !== 'BPE' || !model.vocab || !model.merges) throw unsupported(file);
    const tokens: string[] = new Array(tokenizer.vocabSize).fill('');
    const types: number[] = new Array(tokenizer.vocabSize).fill(TokenType.normal);
    for (const [token, id] of Object.entries(model.vocab)) tokens[id] = token;
    for (const added of (tokenizer.tokenizerJson.added_tokens ?? []) as { id: number; content: string; special?: boolean }[]) {
      tokens[added.id] = added.content;
      types[added.id] = added.special ? TokenType.control : TokenType.userDefined;
    }
    tokens.forEach((token, id) => { if (token === '') { tokens[id] = `[PAD${id}]`; types[id] = TokenType.unused; } });
    const preText = JSON.stringify(tokenizer.tokenizerJson.pre_tokenizer ?? {});
    const pre = tokenizer.ggufPre ?? (preText.includes(llama3Marker) ? 'llama-bpe' : preText.includes(qwen2Marker) ? 'qwen2' : 'gpt-2');
    return {
      'tokenizer.ggml.model': 'gpt2',
      'tokenizer.ggml.pre': pre,
      'tokenizer.ggml.tokens': tokens,
      'tokenizer.ggml.token_type': ggufTyped.array('i32', types),
      // tokenizer.json stores merges as "a b" strings or [a, b] pairs; GGUF wants "a b".
      'tokenizer.ggml.merges': model.merges.map((merge) => (Array.isArray(merge) ? merge.join(' ') : String(merge))),
      'tokenizer.ggml.add_bos_token': tokenizer.bosId !== undefined,
      ...ids,
    };
  }
  const spm = tokenizer instanceof HfTokenizer ? spmMetadataFromBpe(tokenizer) : undefined;
  if (spm) return { ...spm, ...ids };
  throw unsupported(file);
}

function unsupported(file: string): SlingError {
  return new SlingError('gguf_tokenizer_unsupported', 'this tokenizer cannot be written to GGUF yet', { file, hint: 'supported: SentencePiece vocabularies with scores (llama2.c, GGUF llama) and byte-level BPE tokenizer.json' });
}

/**
 * A SentencePiece-style BPE tokenizer.json (byte fallback, '▁' for spaces; TinyLlama, Llama 2, Mistral) as
 * a GGUF 'llama' vocabulary. llama.cpp merges the adjacent pair whose concatenation scores best, so each
 * piece scores minus the rank of the first merge that produces it; that reproduces the BPE merge order.
 */
export function spmMetadataFromBpe(tokenizer: HfTokenizer): Record<string, GgufValue> | undefined {
  const json = tokenizer.tokenizerJson;
  const model = json.model as { type?: string; vocab?: Record<string, number>; merges?: unknown[]; byte_fallback?: boolean };
  if (model.type !== 'BPE' || !model.vocab || !model.merges || !model.byte_fallback) return undefined;
  const pieces: string[] = new Array(tokenizer.vocabSize).fill('');
  for (const [piece, id] of Object.entries(model.vocab)) pieces[id] = piece;
  const scores = new Array<number>(tokenizer.vocabSize).fill(-1e9);
  model.merges.forEach((merge, rank) => {
    const [left, right] = Array.isArray(merge) ? merge.map(String) : String(merge).split(' ');
    const id = model.vocab![left + right];
    if (id !== undefined && scores[id] === -1e9) scores[id] = -rank;
  });
  const types: number[] = pieces.map((piece) => (/^<0x[0-9A-Fa-f]{2}>$/.test(piece) ? TokenType.byte : TokenType.normal));
  for (const added of (json.added_tokens ?? []) as { id: number; content: string; special?: boolean }[]) {
    pieces[added.id] = added.content;
    types[added.id] = added.content === (model as { unk_token?: string }).unk_token ? TokenType.unknown : added.special ? TokenType.control : TokenType.userDefined;
  }
  const text = JSON.stringify([json.normalizer, json.pre_tokenizer]);
  const unknownId = model.vocab[(model as { unk_token?: string }).unk_token ?? ''];
  return {
    'tokenizer.ggml.model': 'llama',
    'tokenizer.ggml.tokens': pieces,
    'tokenizer.ggml.scores': ggufTyped.array('f32', scores),
    'tokenizer.ggml.token_type': ggufTyped.array('i32', types),
    'tokenizer.ggml.add_space_prefix': /"Prepend"|"prepend_scheme":"(first|always)"|"add_prefix_space":true/.test(text),
    'tokenizer.ggml.add_bos_token': tokenizer.bosId !== undefined,
    ...(unknownId !== undefined ? { 'tokenizer.ggml.unknown_token_id': ggufTyped.scalar('u32', unknownId) } : {}),
  };
}
