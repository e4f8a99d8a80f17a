/**
 * @module engine/models/tokenizer/gguf-tokenizer
 * The tokenizer embedded in GGUF metadata (`tokenizer.ggml.*`): model 'llama' is a SentencePiece vocabulary
 * with scores (run by SpmTokenizer, as llama.cpp does); model 'gpt2' is byte-level BPE with merges (run by
 * @huggingface/tokenizers through an equivalent tokenizer.json).
 */
import { SlingError } from '../../../core/errors.ts';
import { byteLevelTokenizerFromGguf } from './gguf-bpe.ts';
import { SpmTokenizer } from './spm-tokenizer.ts';
import type { Tokenizer } from './tokenizer.ts';

export function tokenizerFromGguf(metadata: Record<string, unknown>, file: string): Tokenizer {
  const model = metadata['tokenizer.ggml.model'];
  const tokens = metadata['tokenizer.ggml.tokens'];
  if (!Array.isArray(tokens)) {
    throw new SlingError('tokenizer_missing', 'the GGUF file has no tokenizer.ggml.tokens', { file, field: 'tokenizer.ggml.tokens' });
  }
  const optionalId = (key: string): number | undefined => {
    const value = metadata[key];
    // llama.cpp writes 0xFFFFFFFF (-1 as uint32) for "none".
    return typeof value === 'number' && value >= 0 && value < tokens.length ? value : undefined;
  };
  const bosId = optionalId('tokenizer.ggml.bos_token_id');
  const eosIds = [optionalId('tokenizer.ggml.eos_token_id'), optionalId('tokenizer.ggml.eot_token_id')].filter((id, index, all): id is number => id !== undefined && all.indexOf(id) === index);
  if (model === 'llama') {
    const scores = metadata['tokenizer.ggml.scores'];
    const types = metadata['tokenizer.ggml.token_type'];
    return new SpmTokenizer({
      pieces: tokens.map(String),
      scores: Array.isArray(scores) ? scores.map(Number) : tokens.map(() => 0),
      types: Array.isArray(types) ? types.map(Number) : undefined,
      bosId,
      eosIds,
      unknownId: optionalId('tokenizer.ggml.unknown_token_id'),
      addSpacePrefix: metadata['tokenizer.ggml.add_space_prefix'] !== false,
    });
  }
  if (model === 'gpt2') return byteLevelTokenizerFromGguf(metadata, { bosId, eosIds }, file);
  throw new SlingError('tokenizer_unsupported', `unsupported GGUF tokenizer model "${String(model)}"`, { file, field: 'tokenizer.ggml.model', hint: "supported: 'llama' (SentencePiece) and 'gpt2' (byte-level BPE)" });
}
