/**
 * @module engine/models/tokenizer/llama2c-tokenizer
 * Reads llama2.c's tokenizer file (tok512.bin, tokenizer.bin): int32 max piece length, then per token a
 * float32 score, an int32 byte length and the UTF-8 bytes. llama2.c's layout is fixed: 0 <unk>, 1 BOS,
 * 2 EOS, 3..258 the byte-fallback tokens, pieces with SentencePiece's '▁' already turned into spaces.
 */
import { readFileSync } from 'node:fs';
import { SlingError } from '../../../core/errors.ts';
import { SpmTokenizer } from './spm-tokenizer.ts';
import { TokenType } from './tokenizer.ts';

export function readLlama2cTokenizer(path: string, vocabSize?: number): SpmTokenizer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new SlingError('tokenizer_not_found', 'cannot read the llama2.c tokenizer file', { file: path, cause: error });
  }
  const pieces: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const utf8 = new TextDecoder('utf-8', { fatal: false });
  let offset = 4;
  while (offset < bytes.length && (vocabSize === undefined || pieces.length < vocabSize)) {
    if (offset + 8 > bytes.length) break;
    const score = bytes.readFloatLE(offset);
    const length = bytes.readInt32LE(offset + 4);
    offset += 8;
    if (length < 0 || offset + length > bytes.length) {
      throw new SlingError('tokenizer_corrupt', `token ${pieces.length} claims ${length} bytes at offset ${offset - 4}, past the end of the file (${bytes.length} bytes)`, { file: path, hint: 'the file is truncated or not a llama2.c tokenizer' });
    }
    const id = pieces.length;
    const text = utf8.decode(bytes.subarray(offset, offset + length));
    offset += length;
    const isByte = id >= 3 && id < 259;
    pieces.push(isByte ? `<0x${(id - 3).toString(16).toUpperCase().padStart(2, '0')}>` : text.replaceAll(' ', '▁'));
    scores.push(score);
    types.push(id === 0 ? TokenType.unknown : id < 3 ? TokenType.control : isByte ? TokenType.byte : TokenType.normal);
  }
  if (vocabSize !== undefined && pieces.length !== vocabSize) {
    throw new SlingError('tokenizer_mismatch', `the tokenizer has ${pieces.length} tokens but the model's vocabulary has ${vocabSize}`, { file: path, hint: 'use the tokenizer file that was trained with this model (--tokenizer)' });
  }
  if (vocabSize === undefined && offset !== bytes.length) {
    throw new SlingError('tokenizer_corrupt', `${bytes.length - offset} trailing bytes after the last token`, { file: path });
  }
  return new SpmTokenizer({ pieces, scores, types, bosId: 1, eosIds: [2], unknownId: 0 });
}
