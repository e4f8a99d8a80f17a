/**
 * @module engine/models/generate/seeded-random
 * Sampled generations are reproducible for a given seed: the shared mulberry32 of core.
 */
export { seededRandom, type Random } from '../../../core/seeded-random.ts';
