/**
 * @module engine/models/byte-tokenizer
 * The tokenizer of the offline tiny-random model: one token per byte (ids 0-255) plus <bos> 256, <eos> 257
 * and <pad> 258. Any text round-trips exactly, so the product works with no downloaded tokenizer.
 */
import type { Tokenizer } from './tokenizer/tokenizer.ts';

export const BYTE_BOS_ID = 256;
export const BYTE_EOS_ID = 257;
export const BYTE_PAD_ID = 258;
export const BYTE_VOCAB_SIZE = 259;

/** A plain chat template for the byte tokenizer (role markers are ordinary text). */
export const BYTE_CHAT_TEMPLATE =
  "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}\n{% endfor %}" +
  "{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const singleBytes = Array.from({ length: 256 }, (_, byte) => Uint8Array.of(byte));
const empty = new Uint8Array(0);

export class ByteTokenizer implements Tokenizer {
  readonly vocabSize: number = BYTE_VOCAB_SIZE;
  readonly bosId = BYTE_BOS_ID;
  readonly eosIds = [BYTE_EOS_ID];
  readonly padId = BYTE_PAD_ID;

  encode(text: string, options: { addBos?: boolean } = {}): number[] {
    const ids = Array.from(encoder.encode(text));
    return options.addBos ? [BYTE_BOS_ID, ...ids] : ids;
  }

  decode(ids: number[]): string {
    return decoder.decode(Uint8Array.from(ids.filter((id) => id < 256)));
  }

  tokenBytes(id: number): Uint8Array {
    return id < 256 && id >= 0 ? singleBytes[id] : empty;
  }

  isSpecial(id: number): boolean {
    return id >= 256;
  }

  /** Token strings, as a GGUF writer or a vocabulary dump needs them. */
  pieces(): string[] {
    const pieces = singleBytes.map((_, byte) => `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    return [...pieces, '<bos>', '<eos>', '<pad>'];
  }
}
