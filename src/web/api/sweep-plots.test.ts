import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sweep, Trial } from '../../platform/sweeps/sweep-repository.ts';
import { formatValue, objectiveOverTime, parallelCoordinates, rankedTrials, summariseSweep } from './sweep-plots.ts';

const sweep = {
  id: 1, name: 's', status: 'succeeded', bestTrialId: null, summary: null, createdAt: 1000, finishedAt: 9000,
  config: {
    name: 's', baseRecipe: {}, algorithm: 'grid', gridPoints: 3, seed: 0, maxTrials: 20, concurrency: 1, timeBudgetSeconds: null,
    space: { lr: { kind: 'loguniform', low: 1e-4, high: 1e-2 }, modules: { kind: 'choice', values: [['q', 'v'], 'all'] } },
    objective: { metric: 'validation_loss', goal: 'minimize' },
    earlyStopping: { kind: 'asha', minSteps: 4, reductionFactor: 2 },
  },
} satisfies Sweep;

const trial = (id: number, status: Trial['status'], lr: number, modules: string[] | string, objective: number | null, finishedAt: number, result: Record<string, unknown> = {}): Trial => ({
  id, sweepId: 1, number: id, parameters: { lr, modules }, status, jobId: 10 + id, objective, result, createdAt: 0, startedAt: 0, finishedAt,
});

const trials = [
  trial(0, 'succeeded', 1e-3, ['q', 'v'], 1.2, 3000, { steps: 8 }),
  trial(1, 'pruned', 1e-4, 'all', null, 4000, { steps: 4, prunedAt: { rung: 0, step: 4, value: 2.1 } }),
  trial(2, 'succeeded', 1e-2, 'all', 0.9, 5000, { steps: 8 }),
  trial(3, 'succeeded', 1e-3, 'all', 1.05, 6000, { steps: 8 }),
];

test('values read as labels: 3 significant digits, exponents for small rates, lists in brackets', () => {
  assert.deepEqual([1e-5, 3.16e-4, 0.0015, 0.05, 16, ['q_proj', 'v_proj'], 'all-linear'].map(formatValue), ['1.0e-5', '3.2e-4', '0.0015', '0.05', '16', '[q_proj, v_proj]', 'all-linear']);
});

test('summary: trials done out of the grid size when it is below max_trials; best trial', () => {
  const summary = summariseSweep(sweep, [...trials, trial(4, 'running', 1e-2, ['q', 'v'], null, 0)]);
  assert.deepEqual(summary.trials, { done: 4, created: 5, total: 6 }); // 3 grid points × 2 choices
  assert.deepEqual(summary.best, { number: 2, objective: 0.9 });
});

test('ranked trials carry the highest rung reached and whether they were pruned there', () => {
  const ranked = rankedTrials(sweep, trials, [{ trialId: 2, rung: 0, step: 4, value: 1.9 }, { trialId: 2, rung: 1, step: 8, value: 0.9 }, { trialId: 1, rung: 0, step: 4, value: 2.1 }]);
  assert.deepEqual(ranked.map((entry) => [entry.rank, entry.number]), [[1, 2], [2, 3], [3, 0], [4, 1]]);
  assert.deepEqual(ranked[0].rung, { rung: 1, step: 8, value: 0.9, pruned: false });
  assert.deepEqual(ranked[3].rung, { rung: 0, step: 4, value: 2.1, pruned: true });
  assert.equal(ranked[2].rung, null);
  assert.equal(ranked[0].jobId, 12);
});

test('parallel coordinates: log axes in log space, choices by position, objective low→0 high→1, pruned without objective', () => {
  const { axes, lines } = parallelCoordinates(sweep, trials);
  assert.deepEqual(axes[0].ticks.map((tick) => tick.label), ['1.0e-4', '0.001', '0.01']);
  assert.ok(Math.abs(axes[0].ticks[1].position - 0.5) < 1e-12);
  assert.deepEqual(axes[2].ticks.map((tick) => tick.label), ['0.900', '1.05', '1.20']);
  const byNumber = new Map(lines.map((line) => [line.number, line]));
  assert.deepEqual(byNumber.get(2)!.values, [1, 1, 0]);
  assert.equal(byNumber.get(2)!.good, 1);
  assert.equal(byNumber.get(0)!.good, 0);
  assert.deepEqual(byNumber.get(1)!.values, [0, 1, null]);
  assert.equal(byNumber.get(1)!.labels[2], 'pruned at rung 0');
});

test('objective over time: finish times since the sweep started, best so far only improves', () => {
  const { points, best } = objectiveOverTime(sweep, trials);
  assert.deepEqual(points.map((point) => [point.elapsedMs, point.objective]), [[2000, 1.2], [4000, 0.9], [5000, 1.05]]);
  assert.deepEqual(best.map((point) => [point.elapsedMs, point.objective]), [[2000, 1.2], [4000, 0.9], [5000, 0.9]]);
});
