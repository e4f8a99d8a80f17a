/**
 * @module platform/sweeps/tpe
 * Tree-structured Parzen Estimator (Bergstra et al., "Algorithms for Hyper-Parameter Optimization", NeurIPS 2011),
 * in its independent form (each key modelled on its own, as Optuna and Hyperopt do by default):
 *   1. sort the finished trials by loss; the best ⌈γ·n⌉ (at most 25) are "good", the rest "bad";
 *   2. per key, fit a density l(x) to the good values and g(x) to the bad ones: a mixture of truncated
 *      normals centred on each value (bandwidth = the larger gap to its sorted neighbours, clipped) plus one wide
 *      prior component; categorical keys get smoothed counts;
 *   3. draw candidates from l and keep the one with the largest l(x) / g(x) (which maximises expected improvement).
 * Log-scaled keys are modelled in log space; integers as continuous values rounded at the end.
 */
import { type Distribution, type JsonValue, type SearchSpace, type TrialParameters } from './search-space.ts';

export interface TpeOptions {
  /** Random trials before the model takes over (default 10). */
  startupTrials?: number;
  /** Candidates drawn from l(x) per key (default 24). */
  candidates?: number;
  /** Share of trials counted as good (default 0.25). */
  gamma?: number;
}

interface Observation {
  parameters: TrialParameters;
  loss: number;
}

interface Mixture {
  means: number[];
  sigmas: number[];
  low: number;
  high: number;
}

// Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7), enough for density ratios.
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return sign * y;
}

const normalCdf = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** The interval a key is modelled on (log space for log keys; integers widened by half a step each side). */
function bounds(distribution: Exclude<Distribution, { kind: 'choice' }>): { low: number; high: number; log: boolean } {
  const log = distribution.kind === 'loguniform' || (distribution.kind === 'int' && distribution.log === true);
  let { low, high } = distribution;
  if (distribution.kind === 'int') [low, high] = log ? [low - 0.5 > 0 ? low - 0.5 : low * 0.5, high + 0.5] : [low - 0.5, high + 0.5];
  return log ? { low: Math.log(low), high: Math.log(high), log } : { low, high, log };
}

function fitMixture(values: number[], low: number, high: number): Mixture {
  const width = high - low;
  const means = [(low + high) / 2, ...values];
  const sorted = [...values].sort((a, b) => a - b);
  const minimum = width / Math.min(100, 1 + values.length);
  const sigmas = [width];
  for (const value of values) {
    const index = sorted.indexOf(value);
    const left = value - (index > 0 ? sorted[index - 1] : low);
    const right = (index < sorted.length - 1 ? sorted[index + 1] : high) - value;
    sigmas.push(Math.min(width, Math.max(minimum, left, right)));
  }
  return { means, sigmas, low, high };
}

function mixtureDensity(mixture: Mixture, x: number): number {
  let total = 0;
  for (let index = 0; index < mixture.means.length; index += 1) {
    const mean = mixture.means[index];
    const sigma = mixture.sigmas[index];
    const mass = normalCdf((mixture.high - mean) / sigma) - normalCdf((mixture.low - mean) / sigma);
    const z = (x - mean) / sigma;
    total += Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
  }
  return total / mixture.means.length;
}

function sampleMixture(mixture: Mixture, random: () => number): number {
  const index = Math.floor(random() * mixture.means.length);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const x = mixture.means[index] + mixture.sigmas[index] * gaussian(random);
    if (x >= mixture.low && x <= mixture.high) return x;
  }
  return Math.min(mixture.high, Math.max(mixture.low, mixture.means[index]));
}

export class TreeParzenEstimator {
  readonly startupTrials: number;
  private readonly candidates: number;
  private readonly gamma: number;

  constructor(
    private readonly space: SearchSpace,
    options: TpeOptions = {},
  ) {
    this.startupTrials = options.startupTrials ?? 10;
    this.candidates = options.candidates ?? 24;
    this.gamma = options.gamma ?? 0.25;
  }

  suggest(observations: readonly Observation[], random: () => number): TrialParameters {
    const sorted = [...observations].sort((a, b) => a.loss - b.loss);
    const goodCount = Math.max(1, Math.min(25, Math.ceil(this.gamma * sorted.length)));
    const good = sorted.slice(0, goodCount);
    const bad = sorted.slice(goodCount);
    const parameters: TrialParameters = {};
    for (const [key, distribution] of Object.entries(this.space)) {
      parameters[key] = distribution.kind === 'choice'
        ? this.suggestChoice(distribution.values, good.map((item) => item.parameters[key]), bad.map((item) => item.parameters[key]), random)
        : this.suggestNumber(distribution, good.map((item) => item.parameters[key] as number), bad.map((item) => item.parameters[key] as number), random);
    }
    return parameters;
  }

  private suggestNumber(distribution: Exclude<Distribution, { kind: 'choice' }>, good: number[], bad: number[], random: () => number): number {
    const { low, high, log } = bounds(distribution);
    const toModel = (value: number) => (log ? Math.log(value) : value);
    const below = fitMixture(good.map(toModel), low, high);
    const above = fitMixture(bad.map(toModel), low, high);
    let best = sampleMixture(below, random);
    let bestScore = -Infinity;
    for (let index = 0; index < this.candidates; index += 1) {
      const x = sampleMixture(below, random);
      const score = Math.log(mixtureDensity(below, x)) - Math.log(mixtureDensity(above, x));
      if (score > bestScore) [best, bestScore] = [x, score];
    }
    const value = log ? Math.exp(best) : best;
    if (distribution.kind !== 'int') return Math.min(distribution.high, Math.max(distribution.low, value));
    return Math.min(distribution.high, Math.max(distribution.low, Math.round(value)));
  }

  private suggestChoice(values: JsonValue[], good: JsonValue[], bad: JsonValue[], random: () => number): JsonValue {
    // Choices are compared by their JSON text, so list-valued choices (target modules) work too.
    const keys = values.map((value) => JSON.stringify(value));
    const weights = (seen: JsonValue[]) => {
      const counts = keys.map(() => 1);
      for (const value of seen) {
        const index = keys.indexOf(JSON.stringify(value));
        if (index >= 0) counts[index] += 1;
      }
      const total = counts.reduce((sum, count) => sum + count, 0);
      return counts.map((count) => count / total);
    };
    const below = weights(good);
    const above = weights(bad);
    let bestIndex = 0;
    let bestScore = -Infinity;
    for (let draw = 0; draw < this.candidates; draw += 1) {
      let pick = random();
      let index = 0;
      while (index < below.length - 1 && pick >= below[index]) pick -= below[index++];
      const score = Math.log(below[index]) - Math.log(above[index]);
      if (score > bestScore) [bestIndex, bestScore] = [index, score];
    }
    return values[bestIndex];
  }
}
