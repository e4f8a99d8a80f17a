/**
 * @module platform/sweeps/asha
 * Asynchronous Successive Halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020)
 * in its stopping form: rungs sit at steps min_steps · ηᵏ. When a trial reports a validation loss at or past a rung
 * it has not reached before, that value is recorded for the rung and the trial continues only if it is among the
 * best ⌊n/η⌋ of the n values recorded there so far (at least one, so the first trial at a rung always goes on).
 * Decisions need no waiting for other trials, which is what makes it asynchronous.
 */

export interface AshaSettings {
  /** Step of the first rung. */
  minSteps: number;
  /** η: keep the best 1/η at each rung. */
  reductionFactor: number;
}

/** The rung index a report at `step` reaches (-1 before the first rung). */
export function rungOf(step: number, settings: AshaSettings): number {
  if (step < settings.minSteps) return -1;
  return Math.floor(Math.log(step / settings.minSteps) / Math.log(settings.reductionFactor) + 1e-9);
}

export function rungStep(rung: number, settings: AshaSettings): number {
  return Math.round(settings.minSteps * settings.reductionFactor ** rung);
}

/**
 * Whether a trial whose value at a rung is `value` continues, given every value recorded at that rung (its own
 * included). Lower is better.
 */
export function continuesAtRung(value: number, recorded: readonly number[], reductionFactor: number): boolean {
  const keep = Math.max(1, Math.floor(recorded.length / reductionFactor));
  const sorted = [...recorded].sort((a, b) => a - b);
  return value <= sorted[keep - 1];
}
