/**
 * @module engine/train/data/tokenize-example
 * Tokenizes prompt + completion into one id sequence with a per-token flag saying whether the model is
 * trained to predict it. The split point is where the tokens of the full text stop agreeing with the
 * tokens of the prompt alone, so a token that merges across the boundary counts as completion.
 */
import type { Tokenizer } from '../../models/tokenizer/tokenizer.ts';
import type { RenderedExample } from './render-example.ts';

export interface TokenizedExample {
  ids: number[];
  /** 1 where the token is part of the completion (a training target), 0 for prompt tokens. */
  trainable: Uint8Array;
  line: number;
}

/**
 * Chat templates already contain their own BOS/EOS text; for plain text we add BOS (if the tokenizer has one)
 * in front and EOS after the completion so the model learns to stop.
 */
export function tokenizeExample(example: RenderedExample, tokenizer: Tokenizer, options: { addEos?: boolean } = {}): TokenizedExample {
  const full = tokenizer.encode(example.prompt + example.completion, { addBos: true });
  const promptIds = tokenizer.encode(example.prompt, { addBos: true });
  let split = 0;
  while (split < promptIds.length && split < full.length && promptIds[split] === full[split]) split++;
  if (split === full.length) split = Math.max(0, full.length - 1);
  const ids = options.addEos === false || tokenizer.eosIds.length === 0 ? full : [...full, tokenizer.eosIds[0]];
  const trainable = new Uint8Array(ids.length);
  trainable.fill(1, split);
  return { ids, trainable, line: example.line };
}
