/**
 * @module engine/train/data/pack-sequences
 * Packs tokenized examples into fixed-length sequences. Each example is a segment with its own positions
 * (restarting at 0) and segment id, so attention and the loss never cross example boundaries. Targets are
 * next-token ids on completion tokens and IGNORE_INDEX elsewhere (prompt tokens, segment ends, padding).
 */
import type { TokenizedExample } from './tokenize-example.ts';

export const IGNORE_INDEX = -100;

export interface PackedSequence {
  /** Input ids, length = sequence length (padding uses id 0). */
  ids: Int32Array;
  /** Next-token targets or IGNORE_INDEX. */
  targets: Int32Array;
  /** Position of each token within its example. */
  positions: Int32Array;
  /** Example index within the sequence (0, 1, ...), -1 for padding. */
  segments: Int32Array;
  /** Number of non-ignored targets. */
  targetCount: number;
}

export interface PackResult {
  sequences: PackedSequence[];
  /** Examples cut because they were longer than the sequence length. */
  truncated: number;
}

/** With packing off every example gets its own sequence; with packing on, examples are added greedily in order. */
export function packSequences(examples: TokenizedExample[], sequenceLength: number, packing: boolean): PackResult {
  const sequences: PackedSequence[] = [];
  let truncated = 0;
  let current: TokenizedExample[] = [];
  let used = 0;
  const flush = () => {
    if (current.length > 0) sequences.push(buildSequence(current, sequenceLength));
    current = [];
    used = 0;
  };
  for (const example of examples) {
    let piece = example;
    if (example.ids.length > sequenceLength) {
      truncated++;
      piece = truncateKeepingCompletion(example, sequenceLength);
    }
    if (!packing || used + piece.ids.length > sequenceLength) flush();
    current.push(piece);
    used += piece.ids.length;
  }
  flush();
  return { sequences, truncated };
}

/**
 * Cuts an over-long example to `length` tokens. The completion is what the loss learns from, so it is kept and
 * the prompt loses its tail instead (its head — chat template, instruction — stays); cutting the end would
 * leave an example with nothing to learn.
 */
export function truncateKeepingCompletion(example: TokenizedExample, length: number): TokenizedExample {
  const firstTrainable = example.trainable.indexOf(1);
  const completion = firstTrainable < 0 ? 0 : example.ids.length - firstTrainable;
  if (completion === 0 || completion >= length) {
    return { ...example, ids: example.ids.slice(0, length), trainable: example.trainable.slice(0, length) };
  }
  const head = length - completion;
  return {
    ...example,
    ids: [...example.ids.slice(0, head), ...example.ids.slice(firstTrainable)],
    trainable: Uint8Array.from([...example.trainable.subarray(0, head), ...example.trainable.subarray(firstTrainable)]),
  };
}

function buildSequence(examples: TokenizedExample[], length: number): PackedSequence {
  const ids = new Int32Array(length);
  const targets = new Int32Array(length).fill(IGNORE_INDEX);
  const positions = new Int32Array(length);
  const segments = new Int32Array(length).fill(-1);
  let offset = 0;
  let targetCount = 0;
  examples.forEach((example, segment) => {
    const n = example.ids.length;
    for (let t = 0; t < n; t++) {
      ids[offset + t] = example.ids[t];
      positions[offset + t] = t;
      segments[offset + t] = segment;
      // position t predicts token t + 1 of the same example, and only when that token is trainable
      if (t + 1 < n && example.trainable[t + 1]) {
        targets[offset + t] = example.ids[t + 1];
        targetCount++;
      }
    }
    offset += n;
  });
  return { ids, targets, positions, segments, targetCount };
}
