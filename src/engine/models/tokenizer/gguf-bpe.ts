/**
 * @module engine/models/tokenizer/gguf-bpe
 * A GGUF 'gpt2' (byte-level BPE) tokenizer rebuilt as the equivalent tokenizer.json, so that
 * @huggingface/tokenizers runs it. The pre-tokenizer split depends on `tokenizer.ggml.pre`; the regexes
 * are those the model families publish in their own tokenizer.json files.
 */
import { SlingError } from '../../../core/errors.ts';
import { HfTokenizer } from './hf-tokenizer.ts';
import { TokenType } from './tokenizer.ts';

/** Split regexes as the model families publish them in tokenizer.json, by `tokenizer.ggml.pre` name. */
export const bpeSplitPatterns: Record<string, string> = {
  'llama-bpe': "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  qwen2: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  tekken: "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
};

/** Pre-tokenizers whose BPE model ignores merges for words already in the vocabulary (as llama.cpp does). */
export const ignoreMergesPre = new Set(['llama-bpe', 'llama3', 'llama-v3', 'tekken']);

const split = (pattern: string) => ({ type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false });
const byteLevel = (useRegex: boolean) => ({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: useRegex });
const splitThenBytes = (pre: string) => ({ type: 'Sequence', pretokenizers: [split(bpeSplitPatterns[pre]), byteLevel(false)] });

/** Pre-tokenizers by `tokenizer.ggml.pre` value. */
const preTokenizers: Record<string, object> = {
  // llama.cpp's 'default' split differs slightly from GPT-2's (it also isolates punctuation runs); GPT-2's is used.
  default: byteLevel(true),
  'gpt-2': byteLevel(true),
  'llama-bpe': splitThenBytes('llama-bpe'),
  llama3: splitThenBytes('llama-bpe'),
  'llama-v3': splitThenBytes('llama-bpe'),
  qwen2: splitThenBytes('qwen2'),
  tekken: splitThenBytes('tekken'),
  smollm: { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true }, byteLevel(true)] },
};

export function byteLevelTokenizerFromGguf(metadata: Record<string, unknown>, ids: { bosId?: number; eosIds: number[] }, file: string): HfTokenizer {
  const tokens = (metadata['tokenizer.ggml.tokens'] as unknown[]).map(String);
  const merges = metadata['tokenizer.ggml.merges'];
  const types = metadata['tokenizer.ggml.token_type'] as number[] | undefined;
  const pre = String(metadata['tokenizer.ggml.pre'] ?? 'default');
  if (!Array.isArray(merges)) throw new SlingError('tokenizer_missing', 'a gpt2 tokenizer needs tokenizer.ggml.merges', { file, field: 'tokenizer.ggml.merges' });
  const preTokenizer = preTokenizers[pre];
  if (!preTokenizer) {
    throw new SlingError('tokenizer_unsupported', `unsupported BPE pre-tokenizer "${pre}"`, { file, field: 'tokenizer.ggml.pre', hint: `supported: ${Object.keys(preTokenizers).join(', ')}` });
  }
  const addedTokens = tokens.flatMap((content, id) => {
    const type = types?.[id];
    if (type !== TokenType.control && type !== TokenType.userDefined) return [];
    return [{ id, content, special: type === TokenType.control, single_word: false, lstrip: false, rstrip: false, normalized: false }];
  });
  const tokenizerJson = {
    added_tokens: addedTokens,
    // Qwen2 tokenizer.json files NFC-normalise; GGUF has no key for it (and llama.cpp skips it), the name implies it.
    normalizer: pre === 'qwen2' ? { type: 'NFC' } : null,
    pre_tokenizer: preTokenizer,
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      vocab: Object.fromEntries(tokens.map((token, id) => [token, id])),
      merges: merges.map(String),
      ignore_merges: ignoreMergesPre.has(pre),
      byte_fallback: false,
    },
  };
  const tokenizer = new HfTokenizer(tokenizerJson, {
    bos_token: ids.bosId === undefined ? null : tokens[ids.bosId],
    eos_token: ids.eosIds.length ? tokens[ids.eosIds[0]] : null,
  }, file, pre);
  return Object.assign(tokenizer, { eosIds: ids.eosIds });
}
