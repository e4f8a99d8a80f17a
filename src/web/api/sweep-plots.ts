/**
 * @module web/api/sweep-plots
 * What the sweep page draws, shaped on the server: the trials ranked (platform ranking) with the highest ASHA rung
 * each reached, a parallel-coordinates plot of parameters → objective, and the objective over time with the
 * best-so-far line. Axis positions come from the HTML report's `normalise` (each parameter scaled to its search
 * range, log ranges in log space, choices by position), so the page and `sling sweep report` agree. Unlike the
 * report, every axis carries labelled ticks with real values, the objective axis runs from the lowest (bottom) to
 * the highest value seen, and pruned trials are drawn too, without an objective.
 */
import { bestTrial, rankTrials } from '../../platform/sweeps/ranking.ts';
import { createSampler } from '../../platform/sweeps/samplers.ts';
import type { Distribution, JsonValue } from '../../platform/sweeps/search-space.ts';
import { FINAL_TRIAL_STATUSES, type Sweep, type Trial } from '../../platform/sweeps/sweep-repository.ts';
import { normalise } from '../../platform/sweeps/sweep-report.ts';

export interface RungReport {
  trialId: number;
  rung: number;
  step: number;
  value: number;
}

/** A parameter value as a short label: 3 significant digits, exponents for tiny rates, lists as `[a, b]`. */
export function formatValue(value: JsonValue): string {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    return Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5 ? value.toExponential(1) : String(Number(value.toPrecision(3)));
  }
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** An objective value: 3 significant digits, trailing zeros kept so the axis labels line up (0.852, 1.00, 1.16). */
const formatObjective = (value: number) => value.toPrecision(3);

// *** the sweep list ***

export interface SweepSummary {
  id: number;
  name: string;
  status: Sweep['status'];
  algorithm: Sweep['config']['algorithm'];
  objective: Sweep['config']['objective'];
  /** done: trials with a final status; total: max_trials, or fewer when the grid is smaller. */
  trials: { done: number; created: number; total: number };
  best: { number: number; objective: number } | null;
  createdAt: number;
  finishedAt: number | null;
}

export function summariseSweep(sweep: Sweep, trials: readonly Trial[]): SweepSummary {
  const { config } = sweep;
  const total = Math.min(config.maxTrials, createSampler(config.algorithm, config.space, config.seed, config.gridPoints).size);
  const best = bestTrial(trials, config.objective.goal);
  return {
    id: sweep.id,
    name: sweep.name,
    status: sweep.status,
    algorithm: config.algorithm,
    objective: config.objective,
    trials: { done: trials.filter((trial) => FINAL_TRIAL_STATUSES.includes(trial.status)).length, created: trials.length, total },
    best: best ? { number: best.number, objective: best.objective! } : null,
    createdAt: sweep.createdAt,
    finishedAt: sweep.finishedAt,
  };
}

// *** ranked trials ***

export interface RankedTrial {
  rank: number;
  number: number;
  status: Trial['status'];
  parameters: Record<string, string>;
  objective: number | null;
  steps: number | null;
  jobId: number | null;
  /** The highest rung the trial reported at, and whether it was stopped there. */
  rung: { rung: number; step: number; value: number; pruned: boolean } | null;
  note: string | null;
  finishedAt: number | null;
}

export function rankedTrials(sweep: Sweep, trials: readonly Trial[], rungs: readonly RungReport[]): RankedTrial[] {
  const highest = new Map<number, RungReport>();
  for (const report of rungs) if ((highest.get(report.trialId)?.rung ?? -1) < report.rung) highest.set(report.trialId, report);
  return rankTrials(trials, sweep.config.objective.goal).map((trial, index) => {
    const prunedAt = trial.result?.prunedAt as { rung: number; step: number; value: number } | undefined;
    const reached = prunedAt ?? highest.get(trial.id);
    const note = trial.result?.error ?? trial.result?.reason ?? null;
    return {
      rank: index + 1,
      number: trial.number,
      status: trial.status,
      parameters: Object.fromEntries(Object.entries(trial.parameters).map(([key, value]) => [key, formatValue(value)])),
      objective: trial.objective,
      steps: typeof trial.result?.steps === 'number' ? trial.result.steps : null,
      jobId: trial.jobId,
      rung: reached ? { rung: reached.rung, step: reached.step, value: reached.value, pruned: Boolean(prunedAt) } : null,
      note: note === null ? null : String(note),
      finishedAt: trial.finishedAt,
    };
  });
}

// *** parallel coordinates ***

export interface PlotAxis {
  key: string;
  /** Labelled positions on the axis, in [0, 1]. */
  ticks: { position: number; label: string }[];
}

export interface PlotLine {
  number: number;
  status: Trial['status'];
  /** One position per axis in [0, 1]; the objective's is null for a pruned trial. */
  values: (number | null)[];
  labels: string[];
  /** 1 for the best objective, 0 for the worst; null without an objective. */
  good: number | null;
}

function parameterTicks(distribution: Distribution): PlotAxis['ticks'] {
  if (distribution.kind === 'choice') return distribution.values.map((value) => ({ position: normalise(distribution, value), label: formatValue(value) }));
  const log = distribution.kind === 'loguniform' || (distribution.kind === 'int' && distribution.log === true);
  let middle = log ? Math.sqrt(distribution.low * distribution.high) : (distribution.low + distribution.high) / 2;
  if (distribution.kind === 'int') middle = Math.round(middle);
  return [distribution.low, middle, distribution.high].map((value) => ({ position: normalise(distribution, value), label: formatValue(value) }));
}

export function parallelCoordinates(sweep: Sweep, trials: readonly Trial[]): { axes: PlotAxis[]; lines: PlotLine[] } {
  const { space, objective } = sweep.config;
  const keys = Object.keys(space);
  const objectives = trials.filter((trial) => trial.status === 'succeeded' && trial.objective !== null).map((trial) => trial.objective!);
  const [low, high] = [Math.min(...objectives), Math.max(...objectives)];
  const position = (value: number) => (high === low ? 0.5 : (value - low) / (high - low));
  const good = (value: number) => (high === low ? 1 : objective.goal === 'minimize' ? 1 - position(value) : position(value));
  const objectiveTicks = objectives.length === 0 ? [] : high === low ? [{ position: 0.5, label: formatObjective(low) }] : [low, (low + high) / 2, high].map((value) => ({ position: position(value), label: formatObjective(value) }));
  const axes = [
    ...keys.map((key) => ({ key, ticks: parameterTicks(space[key]) })),
    { key: `${objective.metric} (${objective.goal === 'minimize' ? 'lower' : 'higher'} is better)`, ticks: objectiveTicks },
  ];
  const lines = rankTrials(trials, objective.goal)
    .filter((trial) => (trial.status === 'succeeded' && trial.objective !== null) || trial.status === 'pruned')
    .map((trial) => {
      const scored = trial.status === 'succeeded' ? trial.objective : null;
      const prunedAt = trial.result?.prunedAt as { rung: number } | undefined;
      return {
        number: trial.number,
        status: trial.status,
        values: [...keys.map((key) => normalise(space[key], trial.parameters[key])), scored === null ? null : position(scored)],
        labels: [...keys.map((key) => formatValue(trial.parameters[key])), scored === null ? `pruned at rung ${prunedAt?.rung ?? '?'}` : formatObjective(scored)],
        good: scored === null ? null : good(scored),
      };
    });
  return { axes, lines };
}

// *** objective over time ***

export interface TimePoint {
  number: number;
  /** Milliseconds since the sweep was created. */
  elapsedMs: number;
  objective: number;
}

/** Each finished trial's objective by finish time, and the best value so far after each. */
export function objectiveOverTime(sweep: Sweep, trials: readonly Trial[]): { points: TimePoint[]; best: TimePoint[] } {
  const minimise = sweep.config.objective.goal === 'minimize';
  const points = trials
    .filter((trial) => trial.status === 'succeeded' && trial.objective !== null)
    .map((trial) => ({ number: trial.number, elapsedMs: Math.max(0, (trial.finishedAt ?? sweep.createdAt) - sweep.createdAt), objective: trial.objective! }))
    .sort((a, b) => a.elapsedMs - b.elapsedMs || a.number - b.number);
  const best: TimePoint[] = [];
  for (const point of points) {
    const previous = best.at(-1);
    const improved = !previous || (minimise ? point.objective < previous.objective : point.objective > previous.objective);
    best.push(improved ? point : { ...previous, elapsedMs: point.elapsedMs });
  }
  return { points, best };
}
