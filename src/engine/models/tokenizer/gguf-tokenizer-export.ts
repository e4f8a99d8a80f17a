/**
 * @module engine/models/tokenizer/gguf-tokenizer-export
 * The `tokenizer.ggml.*` metadata for a tokenizer, so a written GGUF carries its vocabulary: SentencePiece
 * vocabularies as model 'llama' (pieces, scores, token types), byte-level BPE tokenizer.json files as model
 * 'gpt2' (tokens, merges, pre-tokenizer name).
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
  throw unsupported(file);
}

function unsupported(file: string): SlingError {
  return new SlingError('GGUF_TOKENIZER_UNSUPPORTED', 'this tokenizer cannot be written to GGUF yet', { file, hint: 'supported: SentencePiece vocabularies with scores (llama2.c, GGUF llama) and byte-level BPE tokenizer.json' });
}
