/**
 * @module platform/sweeps/ranking
 * Trials in order of merit: finished trials by objective (best first for the sweep's goal), then pruned trials
 * (by the loss at the highest rung they reached), then the rest. Also what the samplers learn from.
 */
import type { Observation } from './samplers.ts';
import type { SweepConfig } from './sweep-config.ts';
import type { Trial } from './sweep-repository.ts';

const ORDER: Record<Trial['status'], number> = { succeeded: 0, pruned: 1, running: 2, queued: 3, stopped: 4, failed: 5 };

function prunedLoss(trial: Trial): number {
  return (trial.result?.prunedAt as { value?: number } | undefined)?.value ?? Infinity;
}

export function rankTrials(trials: readonly Trial[], goal: SweepConfig['objective']['goal']): Trial[] {
  const sign = goal === 'maximize' ? -1 : 1;
  return [...trials].sort((a, b) => {
    if (ORDER[a.status] !== ORDER[b.status]) return ORDER[a.status] - ORDER[b.status];
    if (a.status === 'succeeded') return sign * ((a.objective ?? 0) - (b.objective ?? 0)) || a.number - b.number;
    if (a.status === 'pruned') return prunedLoss(a) - prunedLoss(b) || a.number - b.number;
    return a.number - b.number;
  });
}

export function bestTrial(trials: readonly Trial[], goal: SweepConfig['objective']['goal']): Trial | null {
  const [first] = rankTrials(trials, goal);
  return first?.status === 'succeeded' ? first : null;
}

/** What a sampler learns from: finished trials with lower-is-better losses; pruned trials count as the worst. */
export function observationsOf(trials: readonly Trial[], goal: SweepConfig['objective']['goal']): Observation[] {
  const observations: Observation[] = [];
  for (const trial of trials) {
    if (trial.status === 'succeeded' && trial.objective !== null) observations.push({ parameters: trial.parameters, loss: goal === 'maximize' ? -trial.objective : trial.objective });
    else if (trial.status === 'pruned') observations.push({ parameters: trial.parameters, loss: Infinity });
  }
  return observations;
}
