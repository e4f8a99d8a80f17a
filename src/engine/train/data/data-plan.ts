/**
 * @module engine/train/data/data-plan
 * The order in which the run sees its data. Each epoch shuffles the training examples with a generator
 * seeded from (seed, epoch) and packs them, so step k of a run is a pure function of the seed and k: a resumed
 * run only needs the step number to continue exactly where the interrupted one stopped.
 */
import { SeededRandom } from '../random.ts';
import { packSequences, type PackedSequence } from './pack-sequences.ts';
import type { TokenizedExample } from './tokenize-example.ts';

export interface PlanOptions {
  seed: number;
  epochs: number;
  batchSize: number;
  gradientAccumulation: number;
  sequenceLength: number;
  packing: boolean;
  /** 0 = no limit. */
  maxSteps: number;
}

export interface OptimizerStep {
  /** 0-based epoch. */
  epoch: number;
  /** gradientAccumulation (or fewer at an epoch's end) micro-batches of up to batchSize sequences. */
  microBatches: PackedSequence[][];
}

export class DataPlan {
  readonly totalSteps: number;
  readonly stepsPerEpoch: number[];
  private cachedEpoch = -1;
  private cachedSteps: OptimizerStep[] = [];
  truncated = 0;

  constructor(private readonly examples: TokenizedExample[], private readonly options: PlanOptions) {
    const wholeEpochs = Math.ceil(options.epochs);
    this.stepsPerEpoch = [];
    for (let epoch = 0; epoch < wholeEpochs; epoch++) {
      const steps = this.buildEpoch(epoch).length;
      const share = Math.min(1, options.epochs - epoch);
      this.stepsPerEpoch.push(Math.max(1, Math.round(steps * share)));
    }
    const total = this.stepsPerEpoch.reduce((sum, count) => sum + count, 0);
    this.totalSteps = options.maxSteps > 0 ? Math.min(options.maxSteps, total) : total;
  }

  /** Epoch and step within it of the 0-based global step `index`. */
  position(index: number): { epoch: number; stepInEpoch: number } {
    let epoch = 0;
    let within = index;
    while (epoch < this.stepsPerEpoch.length && within >= this.stepsPerEpoch[epoch]) within -= this.stepsPerEpoch[epoch++];
    if (epoch >= this.stepsPerEpoch.length) throw new Error(`step ${index} is past the end of the plan`);
    return { epoch, stepInEpoch: within };
  }

  /** The optimizer step at 0-based global index `index`. */
  step(index: number): OptimizerStep {
    const { epoch, stepInEpoch: within } = this.position(index);
    if (this.cachedEpoch !== epoch) {
      this.cachedSteps = this.buildEpoch(epoch);
      this.cachedEpoch = epoch;
    }
    return this.cachedSteps[within];
  }

  private buildEpoch(epoch: number): OptimizerStep[] {
    const { seed, batchSize, gradientAccumulation, sequenceLength, packing } = this.options;
    const order = new SeededRandom((seed * 1000003 + epoch * 7919) >>> 0).shuffle(this.examples.slice());
    const { sequences, truncated } = packSequences(order, sequenceLength, packing);
    if (epoch === 0) this.truncated = truncated;
    const microBatches: PackedSequence[][] = [];
    for (let i = 0; i < sequences.length; i += batchSize) microBatches.push(sequences.slice(i, i + batchSize));
    const steps: OptimizerStep[] = [];
    for (let i = 0; i < microBatches.length; i += gradientAccumulation) steps.push({ epoch, microBatches: microBatches.slice(i, i + gradientAccumulation) });
    return steps;
  }
}

/** Deterministic hold-out: a seeded shuffle of row indices, the first `fraction` become validation. */
export function splitForValidation<T>(rows: T[], fraction: number, seed: number): { train: T[]; validation: T[] } {
  if (fraction <= 0 || rows.length < 2) return { train: rows, validation: [] };
  const indices = new SeededRandom((seed ^ 0x5bd1e995) >>> 0).shuffle(rows.map((_, index) => index));
  const count = Math.max(1, Math.round(rows.length * fraction));
  const held = new Set(indices.slice(0, count));
  return { train: rows.filter((_, index) => !held.has(index)), validation: rows.filter((_, index) => held.has(index)) };
}
