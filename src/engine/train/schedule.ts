/**
 * @module engine/train/schedule
 * Learning-rate schedules with linear warm-up, with the same shapes as Hugging Face's
 * `get_{constant,linear,cosine}_schedule_with_warmup`: the rate at (0-based) optimizer step `step` is
 * peak · factor(step), warm-up factor = step / warmupSteps, then constant 1, linear decay to 0 at
 * `totalSteps`, or half a cosine period down to 0 at `totalSteps`.
 */

export type ScheduleKind = 'constant' | 'linear' | 'cosine';

export interface ScheduleOptions {
  kind: ScheduleKind;
  peak: number;
  warmupSteps: number;
  totalSteps: number;
}

export function learningRateAt(step: number, options: ScheduleOptions): number {
  const { kind, peak, warmupSteps, totalSteps } = options;
  if (step < warmupSteps) return (peak * step) / Math.max(1, warmupSteps);
  if (kind === 'constant') return peak;
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  if (kind === 'linear') return peak * Math.max(0, 1 - progress);
  return peak * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
}

/** Warm-up steps from a fraction of the total (as `warmup_ratio` in Hugging Face), rounded up. */
export function warmupStepsFor(totalSteps: number, warmupRatio: number): number {
  return Math.ceil(totalSteps * warmupRatio);
}
