/**
 * @module engine/train/sequence-loss
 * The loss of a micro-batch of packed sequences: logits for [B, T] tokens (positions restart and attention
 * stays inside each example), summed token cross-entropy over completion targets. The trainer divides by the
 * step's total target count so gradient accumulation gives the same gradient as one big batch.
 */
import type { Llama } from '../models/llama.ts';
import { crossEntropy, noGrad, type Tensor } from '../tensor/index.ts';
import { IGNORE_INDEX, type PackedSequence } from './data/pack-sequences.ts';

export interface BatchInputs {
  ids: Int32Array;
  targets: Int32Array;
  positions: Int32Array;
  segments: Int32Array;
  batch: number;
  seqLen: number;
  targetCount: number;
  /** Non-padding tokens, for throughput. */
  tokens: number;
}

export function stackSequences(sequences: PackedSequence[]): BatchInputs {
  const seqLen = sequences[0].ids.length;
  const batch = sequences.length;
  const stack = (pick: (sequence: PackedSequence) => Int32Array) => {
    const out = new Int32Array(batch * seqLen);
    sequences.forEach((sequence, row) => out.set(pick(sequence), row * seqLen));
    return out;
  };
  const segments = stack((sequence) => sequence.segments);
  let tokens = 0;
  for (const segment of segments) if (segment >= 0) tokens++;
  return {
    ids: stack((sequence) => sequence.ids),
    targets: stack((sequence) => sequence.targets),
    positions: stack((sequence) => sequence.positions),
    segments,
    batch,
    seqLen,
    targetCount: sequences.reduce((sum, sequence) => sum + sequence.targetCount, 0),
    tokens,
  };
}

/** Summed cross-entropy (a scalar tensor with history). */
export function batchLossSum(model: Llama, inputs: BatchInputs): Tensor {
  const logits = model.forward(inputs.ids, { batch: inputs.batch, seqLen: inputs.seqLen, positions: inputs.positions, segmentIds: inputs.segments });
  return crossEntropy(logits, inputs.targets, { ignoreIndex: IGNORE_INDEX, reduction: 'sum' });
}

/** Mean loss per completion token over all sequences, without gradients. */
export function evaluateLoss(model: Llama, sequences: PackedSequence[], batchSize: number): number {
  let total = 0;
  let count = 0;
  noGrad(() => {
    for (let i = 0; i < sequences.length; i += batchSize) {
      const inputs = stackSequences(sequences.slice(i, i + batchSize));
      if (inputs.targetCount === 0) continue;
      total += batchLossSum(model, inputs).item();
      count += inputs.targetCount;
    }
  });
  return count === 0 ? NaN : total / count;
}
