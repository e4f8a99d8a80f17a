/**
 * @module engine/models/generate/text-stream
 * Turns generated token ids into text deltas safely: token bytes are decoded with a streaming UTF-8 decoder
 * (a character split over two tokens is emitted once complete), and text that could still become a stop
 * string is held back until it cannot. SentencePiece's dummy-prefix space is dropped when the output starts
 * the text (no prompt), as the tokenizer's own decode does.
 */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';

export class TextStream {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';
  private emitted = '';
  private atStart: boolean;
  /** True once a stop string was seen; `text` then ends just before it. */
  stopped = false;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly stopStrings: readonly string[] = [],
    /** True when nothing but special tokens precedes the output, so a leading dummy-prefix space is dropped. */
    startsText = false,
  ) {
    this.atStart = startsText;
  }

  /** Adds one token; returns the text that is now safe to show (possibly ''). */
  push(id: number): string {
    if (this.stopped || this.tokenizer.isSpecial(id)) return '';
    let piece = this.decoder.decode(this.tokenizer.tokenBytes(id), { stream: true });
    if (this.atStart && piece.length > 0) {
      if (piece.startsWith(' ') && !this.tokenizer.decode([id]).startsWith(' ')) piece = piece.slice(1);
      this.atStart = false;
    }
    this.pending += piece;
    return this.release(false);
  }

  /** Flushes what is held back (end of generation); returns the last delta. */
  finish(): string {
    if (!this.stopped) this.pending += this.decoder.decode();
    return this.release(true);
  }

  /** All text emitted so far. */
  get text(): string {
    return this.emitted;
  }

  private release(final: boolean): string {
    if (this.stopped) return '';
    let stopAt = -1;
    for (const stop of this.stopStrings) {
      const index = stop === '' ? -1 : this.pending.indexOf(stop);
      if (index >= 0 && (stopAt < 0 || index < stopAt)) stopAt = index;
    }
    let ready: string;
    if (stopAt >= 0) {
      ready = this.pending.slice(0, stopAt);
      this.stopped = true;
      this.pending = '';
    } else {
      const hold = final ? 0 : this.heldBackLength();
      ready = this.pending.slice(0, this.pending.length - hold);
      this.pending = this.pending.slice(this.pending.length - hold);
    }
    this.emitted += ready;
    return ready;
  }

  /** Length of the longest suffix of the pending text that is a proper prefix of some stop string. */
  private heldBackLength(): number {
    let longest = 0;
    for (const stop of this.stopStrings) {
      for (let length = Math.min(stop.length - 1, this.pending.length); length > longest; length--) {
        if (this.pending.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
