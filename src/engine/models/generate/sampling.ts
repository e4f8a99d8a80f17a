/**
 * @module engine/models/generate/sampling
 * Picks the next token from one row of logits, in the order Hugging Face applies its processors:
 * allowed-token mask → repetition penalty → (greedy when temperature is 0) → temperature → top-k → top-p → draw.
 */
import { SlingError } from '../../../core/errors.ts';
import type { Random } from './seeded-random.ts';

export interface SamplingOptions {
  /** 0 (the default) means greedy: always the most likely token. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 or undefined = no limit). */
  topK?: number;
  /** Keep the smallest set of tokens whose probabilities sum to at least p (1 = no limit). */
  topP?: number;
  /** CTRL-style penalty (> 1 discourages tokens already present in the context); 1 = off. */
  repetitionPenalty?: number;
}

export function validateSamplingOptions(options: SamplingOptions): void {
  const { temperature = 0, topK = 0, topP = 1, repetitionPenalty = 1 } = options;
  const check = (ok: boolean, field: string, hint: string) => {
    if (!ok) throw new SlingError('invalid_sampling_option', `invalid ${field}`, { field, hint });
  };
  check(Number.isFinite(temperature) && temperature >= 0, 'temperature', 'use a number ≥ 0 (0 = greedy)');
  check(Number.isInteger(topK) && topK >= 0, 'topK', 'use a whole number ≥ 0 (0 = no limit)');
  check(Number.isFinite(topP) && topP > 0 && topP <= 1, 'topP', 'use a number in (0, 1]');
  check(Number.isFinite(repetitionPenalty) && repetitionPenalty > 0, 'repetitionPenalty', 'use a number > 0 (1 = off)');
}

/**
 * Returns the chosen token id. `logits` is modified in place (penalties, mask). `allowed[id] === 0` removes a
 * token; `previousIds` feeds the repetition penalty.
 */
export function sampleToken(
  logits: Float32Array,
  options: SamplingOptions,
  random: Random,
  previousIds: Iterable<number> = [],
  allowed?: Uint8Array,
): number {
  const { temperature = 0, topK = 0, topP = 1, repetitionPenalty = 1 } = options;
  if (allowed) for (let id = 0; id < logits.length; id++) if (!allowed[id]) logits[id] = -Infinity;
  if (repetitionPenalty !== 1) {
    for (const id of new Set(previousIds)) {
      const value = logits[id];
      logits[id] = value > 0 ? value / repetitionPenalty : value * repetitionPenalty;
    }
  }
  if (temperature === 0) return argmax(logits);
  let candidates: number[] = [];
  for (let id = 0; id < logits.length; id++) if (logits[id] > -Infinity) candidates.push(id);
  if (candidates.length === 0) return argmax(logits);
  candidates.sort((a, b) => logits[b] - logits[a] || a - b);
  if (topK > 0 && candidates.length > topK) candidates = candidates.slice(0, topK);
  // Softmax over the survivors (max subtracted for stability), at the requested temperature.
  const top = logits[candidates[0]];
  const weights = candidates.map((id) => Math.exp((logits[id] - top) / temperature));
  let total = weights.reduce((sum, weight) => sum + weight, 0);
  if (topP < 1) {
    let kept = 0;
    let cumulative = 0;
    while (kept < candidates.length && cumulative < topP * total) cumulative += weights[kept++];
    candidates = candidates.slice(0, Math.max(1, kept));
    weights.length = candidates.length;
    total = weights.reduce((sum, weight) => sum + weight, 0);
  }
  let threshold = random() * total;
  for (let index = 0; index < candidates.length; index++) {
    threshold -= weights[index];
    if (threshold < 0) return candidates[index];
  }
  return candidates[candidates.length - 1];
}

/** Index of the largest value; the lowest index wins a tie (as llama.cpp's greedy sampler). */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let index = 1; index < values.length; index++) if (values[index] > values[best]) best = index;
  return best;
}
