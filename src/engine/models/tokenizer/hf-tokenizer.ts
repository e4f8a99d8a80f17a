/**
 * @module engine/models/tokenizer/hf-tokenizer
 * A Hugging Face tokenizer.json (+ tokenizer_config.json) run by @huggingface/tokenizers, behind Sling's
 * Tokenizer interface. tokenBytes reads the vocabulary itself: byte-level BPE tokens map back through
 * GPT-2's byte table; SentencePiece-style tokens turn '▁' into a space and '<0xXX>' into its byte.
 */
import { Tokenizer as LibraryTokenizer } from '@huggingface/tokenizers';
import { SlingError } from '../../../core/errors.ts';
import { byteLevelTokenBytes } from './byte-level.ts';
import type { Tokenizer } from './tokenizer.ts';

type Json = Record<string, unknown>;

interface AddedTokenJson { id: number; content: string; special?: boolean }

const encoder = new TextEncoder();

/** The token's content when the config gives a string or an AddedToken object, else undefined. */
export function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Json).content === 'string') return (value as Json).content as string;
  return undefined;
}

function usesByteLevel(component: unknown): boolean {
  if (!component || typeof component !== 'object') return false;
  const json = component as Json;
  if (json.type === 'ByteLevel') return true;
  const children = (json.decoders ?? json.pretokenizers) as unknown[] | undefined;
  return Array.isArray(children) && children.some(usesByteLevel);
}

export class HfTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosId?: number;
  readonly eosIds: number[];
  private readonly library: LibraryTokenizer;
  readonly byteLevel: boolean;
  private readonly special = new Set<number>();
  private readonly addedContent = new Map<number, string>();
  private readonly bytesCache = new Map<number, Uint8Array>();
  private readonly cleanUpSpaces: boolean;

  /** `ggufPre` names the GGUF pre-tokenizer when this tokenizer was rebuilt from a GGUF file. */
  constructor(readonly tokenizerJson: Json, tokenizerConfig: Json, file = 'tokenizer.json', readonly ggufPre?: string) {
    try {
      this.library = new LibraryTokenizer(tokenizerJson, tokenizerConfig);
    } catch (error) {
      throw new SlingError('tokenizer_invalid', `cannot build the tokenizer: ${error instanceof Error ? error.message : String(error)}`, { file, cause: error });
    }
    this.byteLevel = usesByteLevel(tokenizerJson.decoder) || usesByteLevel(tokenizerJson.pre_tokenizer);
    for (const added of (tokenizerJson.added_tokens ?? []) as AddedTokenJson[]) {
      this.addedContent.set(added.id, added.content);
      if (added.special) this.special.add(added.id);
    }
    this.vocabSize = this.library.get_vocab(true).size;
    const idOf = (value: unknown) => {
      const content = tokenContent(value);
      return content === undefined ? undefined : this.library.token_to_id(content);
    };
    this.bosId = idOf(tokenizerConfig.bos_token);
    const eos = idOf(tokenizerConfig.eos_token);
    this.eosIds = eos === undefined ? [] : [eos];
    this.cleanUpSpaces = tokenizerConfig.clean_up_tokenization_spaces === true;
  }

  encode(text: string, options: { addBos?: boolean } = {}): number[] {
    const ids = text === '' ? [] : this.library.encode(text, { add_special_tokens: false }).ids;
    return options.addBos && this.bosId !== undefined ? [this.bosId, ...ids] : ids;
  }

  decode(ids: number[]): string {
    if (ids.length === 0) return '';
    return this.library.decode(ids, { skip_special_tokens: true, clean_up_tokenization_spaces: this.cleanUpSpaces });
  }

  tokenBytes(id: number): Uint8Array {
    const cached = this.bytesCache.get(id);
    if (cached) return cached;
    let bytes: Uint8Array;
    if (this.special.has(id)) bytes = new Uint8Array(0);
    else if (this.addedContent.has(id)) bytes = encoder.encode(this.addedContent.get(id)!);
    else {
      const token = this.library.id_to_token(id) ?? '';
      const byteToken = /^<0x([0-9A-Fa-f]{2})>$/.exec(token);
      if (this.byteLevel) bytes = byteLevelTokenBytes(token);
      else if (byteToken) bytes = Uint8Array.of(parseInt(byteToken[1], 16));
      else bytes = encoder.encode(token.replaceAll('▁', ' '));
    }
    this.bytesCache.set(id, bytes);
    return bytes;
  }

  isSpecial(id: number): boolean {
    return this.special.has(id);
  }

  /** The vocabulary's own spelling of a token ('<|im_start|>', 'Ġthe'), e.g. for a chat template's eos_token. */
  tokenText(id: number): string | undefined {
    return this.addedContent.get(id) ?? this.library.id_to_token(id);
  }
}
