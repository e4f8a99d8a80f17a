/**
 * @module engine/models/tokenizer/spm-tokenizer
 * SentencePiece-style tokenizer driven by piece scores, as llama.cpp runs GGUF vocabularies of type 'llama'
 * and llama2.c runs its tok*.bin files: a '▁' dummy prefix, spaces escaped to '▁', the text split into UTF-8
 * characters, then repeatedly the adjacent pair whose concatenation is the best-scoring vocabulary piece is
 * merged (leftmost wins a tie); pieces left outside the vocabulary fall back to <0xXX> byte tokens.
 */
import { TokenType, type Tokenizer } from './tokenizer.ts';

export interface SpmVocabulary {
  /** Pieces with SentencePiece's '▁' for spaces and '<0xXX>' for byte tokens. */
  pieces: string[];
  scores: number[];
  /** GGUF token types (see TokenType); normal when absent. */
  types?: number[];
  bosId?: number;
  eosIds: number[];
  unknownId?: number;
  /** Prepend '▁' to the text (SentencePiece's add_dummy_prefix); default true. */
  addSpacePrefix?: boolean;
  /**
   * Recognise control, unknown and user-defined token texts (e.g. '<|im_start|>', '</s>') inside the text, as
   * Hugging Face tokenizers and llama.cpp with parse_special do; default true.
   */
  parseSpecial?: boolean;
}

const SPACE_SYMBOL = '▁';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Candidate { left: number; right: number; score: number; length: number }

export class SpmTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosId?: number;
  readonly eosIds: number[];
  private readonly idOf = new Map<string, number>();
  private readonly byteIds = new Int32Array(256).fill(-1);
  private readonly bytesOf: Uint8Array[];
  private readonly special: boolean[];
  /** Texts of control / user-defined tokens, longest first, for splitting them out of the input. */
  private readonly specialPattern?: RegExp;

  constructor(readonly vocabulary: SpmVocabulary) {
    const { pieces, types } = vocabulary;
    this.vocabSize = pieces.length;
    this.bosId = vocabulary.bosId;
    this.eosIds = vocabulary.eosIds;
    this.bytesOf = new Array(pieces.length);
    this.special = new Array(pieces.length);
    for (let id = 0; id < pieces.length; id++) {
      const type = types?.[id] ?? TokenType.normal;
      const byteMatch = /^<0x([0-9A-Fa-f]{2})>$/.exec(pieces[id]);
      if (type === TokenType.byte && byteMatch) this.byteIds[parseInt(byteMatch[1], 16)] = id;
      if (!this.idOf.has(pieces[id])) this.idOf.set(pieces[id], id);
      this.special[id] = type === TokenType.control || type === TokenType.unknown || type === TokenType.unused;
      if (this.special[id]) this.bytesOf[id] = new Uint8Array(0);
      else if (type === TokenType.byte && byteMatch) this.bytesOf[id] = Uint8Array.of(parseInt(byteMatch[1], 16));
      else this.bytesOf[id] = encoder.encode(pieces[id].replaceAll(SPACE_SYMBOL, ' '));
    }
    const specialTexts = pieces
      .filter((piece, id) => [TokenType.control, TokenType.userDefined, TokenType.unknown].includes(types?.[id] as 3) && piece.length > 0)
      .sort((a, b) => b.length - a.length);
    if (vocabulary.parseSpecial !== false && specialTexts.length > 0) {
      this.specialPattern = new RegExp(specialTexts.map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    }
  }

  encode(text: string, options: { addBos?: boolean } = {}): number[] {
    const ids: number[] = options.addBos && this.bosId !== undefined ? [this.bosId] : [];
    let start = 0;
    for (const match of this.specialPattern ? text.matchAll(this.specialPattern) : []) {
      this.encodeFragment(text.slice(start, match.index), ids);
      ids.push(this.idOf.get(match[0])!);
      start = match.index! + match[0].length;
    }
    this.encodeFragment(text.slice(start), ids);
    return ids;
  }

  /** llama.cpp adds the dummy-prefix space to the first fragment and to each fragment after a special token. */
  private encodeFragment(fragment: string, ids: number[]): void {
    if (fragment === '') return;
    const prefix = this.vocabulary.addSpacePrefix !== false ? ' ' : '';
    const symbols = Array.from((prefix + fragment).replaceAll(' ', SPACE_SYMBOL));
    this.mergeSymbols(symbols);
    for (const symbol of symbols) if (symbol !== '') this.emit(symbol, ids);
  }

  /** Merges in place; merged-away slots become ''. A binary heap holds candidate pairs, stale ones are skipped. */
  private mergeSymbols(symbols: string[]): void {
    const next = symbols.map((_, index) => index + 1);
    const previous = symbols.map((_, index) => index - 1);
    const heap: Candidate[] = [];
    const better = (a: Candidate, b: Candidate) => a.score > b.score || (a.score === b.score && a.left < b.left);
    const push = (left: number, right: number) => {
      if (left < 0 || right >= symbols.length) return;
      const merged = symbols[left] + symbols[right];
      const id = this.idOf.get(merged);
      if (id === undefined) return;
      heap.push({ left, right, score: this.vocabulary.scores[id], length: merged.length });
      for (let child = heap.length - 1; child > 0; ) {
        const parent = (child - 1) >> 1;
        if (!better(heap[child], heap[parent])) break;
        [heap[child], heap[parent]] = [heap[parent], heap[child]];
        child = parent;
      }
    };
    const pop = (): Candidate => {
      const top = heap[0];
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let parent = 0; ; ) {
          const left = 2 * parent + 1;
          const right = left + 1;
          let best = parent;
          if (left < heap.length && better(heap[left], heap[best])) best = left;
          if (right < heap.length && better(heap[right], heap[best])) best = right;
          if (best === parent) break;
          [heap[best], heap[parent]] = [heap[parent], heap[best]];
          parent = best;
        }
      }
      return top;
    };
    for (let index = 0; index + 1 < symbols.length; index++) push(index, index + 1);
    while (heap.length > 0) {
      const candidate = pop();
      const { left, right } = candidate;
      // Stale: one side was merged into something else since this pair was queued.
      if (symbols[left] === '' || symbols[right] === '' || next[left] !== right) continue;
      if (symbols[left].length + symbols[right].length !== candidate.length) continue;
      symbols[left] += symbols[right];
      symbols[right] = '';
      next[left] = next[right];
      if (next[right] < symbols.length) previous[next[right]] = left;
      push(previous[left], left);
      push(left, next[left]);
    }
  }

  private emit(symbol: string, ids: number[]): void {
    const id = this.idOf.get(symbol);
    if (id !== undefined) {
      ids.push(id);
      return;
    }
    for (const byte of encoder.encode(symbol)) {
      const byteId = this.byteIds[byte];
      if (byteId >= 0) ids.push(byteId);
      else if (this.vocabulary.unknownId !== undefined) ids.push(this.vocabulary.unknownId);
    }
  }

  decode(ids: number[]): string {
    const parts = ids.filter((id) => !this.isSpecial(id)).map((id) => this.tokenBytes(id));
    const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    const text = decoder.decode(bytes);
    return this.vocabulary.addSpacePrefix !== false && text.startsWith(' ') ? text.slice(1) : text;
  }

  tokenBytes(id: number): Uint8Array {
    return this.bytesOf[id] ?? new Uint8Array(0);
  }

  isSpecial(id: number): boolean {
    return this.special[id] ?? false;
  }

  /** The vocabulary's own spelling of a token ('<s>', '▁the'), e.g. for a chat template's bos_token. */
  tokenText(id: number): string | undefined {
    return this.vocabulary.pieces[id];
  }
}
