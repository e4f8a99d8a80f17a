/**
 * @module engine/models/tokenizer/gguf-tokenizer-export
 * The `tokenizer.ggml.*` metadata for a tokenizer, so a written GGUF carries its vocabulary: SentencePiece
 * vocabularies as model 'llama' (pieces, scores, token types), byte-level BPE tokenizer.json files as model
 * 'gpt2' (tokens, merges, pre-tokenizer name), SentencePiece-style BPE tokenizer.json files as 'llama'.
 */
import { SlingError } from '../../../core/errors.ts';
import { ggufTyped, type GgufValue } from '../io/gguf-write.ts';
import { bpeSplitPatterns } from './gguf-bpe.ts';
import { HfTokenizer } from './hf-tokenizer.ts';
import { SpmTokenizer } from './spm-tokenizer.ts';
import { TokenType, type Tokenizer } from './tokenizer.ts';

/**
 * `vocabSize` is the model's embedding rows: GGUF needs one token per row, so a vocabulary smaller than the
 * embedding (Qwen2 pads 151,665 tokens to 151,936 rows) gets `[PAD{id}]` tokens of type unused, as llama.cpp's
 * converter writes them.
 */
export function ggufTokenizerMetadata(tokenizer: Tokenizer, file: string, vocabSize = tokenizer.vocabSize): Record<string, GgufValue> {
  if (vocabSize < tokenizer.vocabSize) {
    throw new SlingError('tokenizer_mismatch', `the tokenizer has ${tokenizer.vocabSize} tokens but the model only ${vocabSize} embedding rows`, { file, hint: 'the tokenizer belongs to a different model' });
  }
  const ids: Record<string, GgufValue> = {};
  if (tokenizer.bosId !== undefined) ids['tokenizer.ggml.bos_token_id'] = ggufTyped.scalar('u32', tokenizer.bosId);
  if (tokenizer.eosIds.length) ids['tokenizer.ggml.eos_token_id'] = ggufTyped.scalar('u32', tokenizer.eosIds[0]);
  if (tokenizer instanceof SpmTokenizer) {
    const vocabulary = tokenizer.vocabulary;
    const padding = Array.from({ length: vocabSize - vocabulary.pieces.length }, (_, index) => vocabulary.pieces.length + index);
    const metadata: Record<string, GgufValue> = {
      'tokenizer.ggml.model': 'llama',
      'tokenizer.ggml.tokens': [...vocabulary.pieces, ...padding.map((id) => `[PAD${id}]`)],
      'tokenizer.ggml.scores': ggufTyped.array('f32', [...vocabulary.scores, ...padding.map(() => -1e9)]),
      'tokenizer.ggml.token_type': ggufTyped.array('i32', [...vocabulary.pieces.map((_, id) => vocabulary.types?.[id] ?? TokenType.normal), ...padding.map(() => TokenType.unused)]),
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
    const tokens: string[] = new Array(vocabSize).fill('');
    const types: number[] = new Array(vocabSize).fill(TokenType.normal);
    for (const [token, id] of Object.entries(model.vocab)) tokens[id] = token;
    for (const added of (tokenizer.tokenizerJson.added_tokens ?? []) as { id: number; content: string; special?: boolean }[]) {
      tokens[added.id] = added.content;
      types[added.id] = added.special ? TokenType.control : TokenType.userDefined;
    }
    tokens.forEach((token, id) => { if (token === '') { tokens[id] = `[PAD${id}]`; types[id] = TokenType.unused; } });
    const pre = tokenizer.ggufPre ?? ggufPreName(tokenizer.tokenizerJson.pre_tokenizer, file);
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
  const spm = tokenizer instanceof HfTokenizer ? spmMetadataFromBpe(tokenizer, vocabSize) : undefined;
  if (spm) return { ...spm, ...ids };
  throw unsupported(file);
}

/**
 * llama.cpp picks its pre-tokenizer split by name, so the tokenizer.json split is matched exactly against the
 * ones llama.cpp implements; anything else would tokenize differently there and is refused.
 */
function ggufPreName(preTokenizer: unknown, file: string): string {
  const json = (preTokenizer ?? {}) as { type?: string; use_regex?: boolean; pretokenizers?: { type?: string; pattern?: { Regex?: string }; individual_digits?: boolean; use_regex?: boolean }[] };
  if (json.type === 'ByteLevel' && json.use_regex !== false) return 'gpt-2';
  const parts = json.type === 'Sequence' ? json.pretokenizers ?? [] : [];
  if (parts.length === 2 && parts[0].type === 'Digits' && parts[0].individual_digits && parts[1].type === 'ByteLevel' && parts[1].use_regex !== false) return 'smollm';
  const pattern = parts.length === 2 && parts[0].type === 'Split' && parts[1].type === 'ByteLevel' ? parts[0].pattern?.Regex : undefined;
  const name = Object.entries(bpeSplitPatterns).find(([, known]) => known === pattern)?.[0];
  if (name) return name;
  throw new SlingError('gguf_tokenizer_unsupported', 'this byte-level BPE pre-tokenizer has no llama.cpp equivalent Sling knows', {
    file,
    field: 'pre_tokenizer',
    hint: `known splits: GPT-2, SmolLM digits, ${Object.keys(bpeSplitPatterns).join(', ')}; got ${JSON.stringify(preTokenizer).slice(0, 200)}`,
  });
}

function unsupported(file: string): SlingError {
  return new SlingError('gguf_tokenizer_unsupported', 'this tokenizer cannot be written to GGUF yet', { file, hint: 'supported: SentencePiece vocabularies with scores (llama2.c, GGUF llama) and byte-level BPE tokenizer.json' });
}

/**
 * A SentencePiece-style BPE tokenizer.json (byte fallback, '▁' for spaces; TinyLlama, Llama 2, Mistral) as
 * a GGUF 'llama' vocabulary. llama.cpp merges the adjacent pair whose concatenation scores best, so each
 * piece scores minus the rank of the first merge that produces it; that reproduces the BPE merge order.
 */
export function spmMetadataFromBpe(tokenizer: HfTokenizer, vocabSize = tokenizer.vocabSize): Record<string, GgufValue> | undefined {
  const json = tokenizer.tokenizerJson;
  const model = json.model as { type?: string; vocab?: Record<string, number>; merges?: unknown[]; byte_fallback?: boolean };
  if (model.type !== 'BPE' || !model.vocab || !model.merges || !model.byte_fallback) return undefined;
  const pieces: string[] = Array.from({ length: vocabSize }, (_, id) => `[PAD${id}]`);
  for (const [piece, id] of Object.entries(model.vocab)) pieces[id] = piece;
  const scores = new Array<number>(vocabSize).fill(-1e9);
  model.merges.forEach((merge, rank) => {
    const [left, right] = Array.isArray(merge) ? merge.map(String) : String(merge).split(' ');
    const id = model.vocab![left + right];
    if (id !== undefined && scores[id] === -1e9) scores[id] = -rank;
  });
  const types: number[] = pieces.map((piece, id) => (id >= tokenizer.vocabSize ? TokenType.unused : /^<0x[0-9A-Fa-f]{2}>$/.test(piece) ? TokenType.byte : TokenType.normal));
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
