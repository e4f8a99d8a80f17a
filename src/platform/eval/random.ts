/**
 * @module platform/eval/random
 * Seeded randomness for bootstrap resamples and judge position swaps (the shared mulberry32 of core).
 */
import type { Random } from '../../core/seeded-random.ts';

export { seededRandom, type Random } from '../../core/seeded-random.ts';

/** Integer in [0, bound). */
export function randomInt(random: Random, bound: number): number {
  return Math.floor(random() * bound);
}
