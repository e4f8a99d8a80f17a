/**
 * @module engine/models/tokenizer/tokenizer
 * The one tokenizer interface every model format provides (llama2.c, GGUF, Hugging Face tokenizer.json).
 */

export interface Tokenizer {
  vocabSize: number;
  bosId?: number;
  eosIds: number[];
  /** Text to token ids; `addBos` (default false) puts the BOS id first when the tokenizer has one. */
  encode(text: string, options?: { addBos?: boolean }): number[];
  /** Ids to text, skipping special tokens and the dummy-prefix space that SentencePiece adds at the start. */
  decode(ids: number[]): string;
  /**
   * The exact bytes this token contributes to the output text: byte-fallback tokens give their byte,
   * SentencePiece '▁' gives a space, special/control tokens give nothing. Streaming decoders concatenate these.
   */
  tokenBytes(id: number): Uint8Array;
  isSpecial(id: number): boolean;
}

/** Token kinds shared by SentencePiece-style vocabularies (values as in GGUF `tokenizer.ggml.token_type`). */
export const TokenType = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  unused: 5,
  byte: 6,
} as const;
