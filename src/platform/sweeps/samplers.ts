/**
 * @module platform/sweeps/samplers
 * How a sweep proposes the next trial: `grid` walks the cartesian product (ranges become evenly spaced points),
 * `random` samples each key independently, `tpe` is the Tree-structured Parzen Estimator (tpe.ts). A sampler sees
 * the finished trials (parameters and objective, lower is better after the goal's sign) and the trial number.
 */
import { SlingError } from '../../core/errors.ts';
import { sampleDistribution, seededRandom, type Distribution, type JsonValue, type SearchSpace, type TrialParameters } from './search-space.ts';
import { TreeParzenEstimator, type TpeOptions } from './tpe.ts';

export interface Observation {
  parameters: TrialParameters;
  /** Lower is better (maximised objectives are negated before they get here). */
  loss: number;
}

export interface Sampler {
  /** Parameters for trial `number` (0-based), or null when the sampler has nothing left (grid exhausted). */
  propose(number: number, observations: readonly Observation[]): TrialParameters | null;
  /** How many trials the sampler can produce at most (Infinity for random and tpe). */
  readonly size: number;
}

export type Algorithm = 'grid' | 'random' | 'tpe';

/** Points of one key on the grid: choices as given, ranges as `points` evenly spaced values (log-spaced for log ones). */
export function gridPoints(distribution: Distribution, points: number): JsonValue[] {
  if (distribution.kind === 'choice') return distribution.values;
  if (distribution.kind === 'int' && distribution.high - distribution.low + 1 <= points) {
    return Array.from({ length: distribution.high - distribution.low + 1 }, (_, index) => distribution.low + index);
  }
  const log = distribution.kind === 'loguniform' || (distribution.kind === 'int' && distribution.log === true);
  const [low, high] = log ? [Math.log(distribution.low), Math.log(distribution.high)] : [distribution.low, distribution.high];
  const values = Array.from({ length: points }, (_, index) => {
    const value = low + ((high - low) * index) / Math.max(1, points - 1);
    return log ? Math.exp(value) : value;
  });
  return distribution.kind === 'int' ? [...new Set(values.map(Math.round))] : values;
}

export function gridSampler(space: SearchSpace, points = 3): Sampler {
  const keys = Object.keys(space);
  const axes = keys.map((key) => gridPoints(space[key], points));
  const size = axes.reduce((total, axis) => total * axis.length, 1);
  return {
    size,
    propose(number) {
      if (number >= size) return null;
      const parameters: TrialParameters = {};
      let rest = number;
      // The last key varies fastest, like nested for-loops written in the order of the file.
      for (let index = keys.length - 1; index >= 0; index -= 1) {
        parameters[keys[index]] = axes[index][rest % axes[index].length];
        rest = Math.floor(rest / axes[index].length);
      }
      return Object.fromEntries(keys.map((key) => [key, parameters[key]]));
    },
  };
}

export function randomSampler(space: SearchSpace, seed: number): Sampler {
  return {
    size: Infinity,
    propose(number) {
      // One stream per trial number: a restarted sweep proposes the same trials again.
      const random = seededRandom(seed * 1_000_003 + number);
      return Object.fromEntries(Object.entries(space).map(([key, distribution]) => [key, sampleDistribution(distribution, random)]));
    },
  };
}

export function tpeSampler(space: SearchSpace, seed: number, options: TpeOptions = {}): Sampler {
  const estimator = new TreeParzenEstimator(space, options);
  const startup = randomSampler(space, seed);
  return {
    size: Infinity,
    propose(number, observations) {
      if (observations.length < estimator.startupTrials) return startup.propose(number, observations);
      return estimator.suggest(observations, seededRandom(seed * 7_919 + number));
    },
  };
}

export function createSampler(algorithm: Algorithm, space: SearchSpace, seed: number, gridPointsPerRange = 3): Sampler {
  if (algorithm === 'grid') return gridSampler(space, gridPointsPerRange);
  if (algorithm === 'random') return randomSampler(space, seed);
  if (algorithm === 'tpe') return tpeSampler(space, seed);
  throw new SlingError('sweep_invalid_algorithm', `unknown sweep algorithm "${algorithm as string}"`, { field: 'algorithm', hint: 'use grid, random or tpe' });
}
