import { test } from 'node:test';
import assert from 'node:assert/strict';
import { softmaxObjective, trainSoftmaxRegression, predictProbabilities } from './softmax-regression.ts';
import type { SparseVector } from './text-features.ts';
import { seededRandom } from '../random.ts';

function randomRows(count: number, features: number, seed: number): SparseVector[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const indices = [...new Set(Array.from({ length: 3 }, () => Math.floor(random() * features)))].sort((a, b) => a - b);
    return { indices: Int32Array.from(indices), values: Float64Array.from(indices.map(() => random() * 2 - 1)) };
  });
}

test('objective gradient matches central finite differences', () => {
  const rows = randomRows(7, 5, 1);
  const targets = [0, 1, 2, 1, 0, 2, 2];
  const model = { classCount: 3, featureCount: 5, parameters: new Float64Array(0) };
  const random = seededRandom(2);
  const parameters = Float64Array.from({ length: 18 }, () => random() - 0.5);
  const { gradient } = softmaxObjective(model, rows, targets, 0.7, parameters);
  const step = 1e-6;
  for (let i = 0; i < parameters.length; i++) {
    const plus = Float64Array.from(parameters);
    const minus = Float64Array.from(parameters);
    plus[i] += step;
    minus[i] -= step;
    const numeric =
      (softmaxObjective(model, rows, targets, 0.7, plus).value - softmaxObjective(model, rows, targets, 0.7, minus).value) / (2 * step);
    assert.ok(Math.abs(numeric - gradient[i]) < 1e-7, `parameter ${i}: numeric ${numeric} vs analytic ${gradient[i]}`);
  }
});

test('fits separable data and reaches a stationary point', () => {
  // Class = which of three features is present.
  const rows: SparseVector[] = [];
  const targets: number[] = [];
  for (let i = 0; i < 30; i++) {
    rows.push({ indices: Int32Array.from([i % 3, 3]), values: Float64Array.from([1, 0.5]) });
    targets.push(i % 3);
  }
  const model = trainSoftmaxRegression(rows, targets, 3, 4, { C: 10 });
  assert.equal(model.converged, true);
  rows.forEach((row, i) => {
    const probabilities = predictProbabilities(model, row);
    assert.ok(probabilities[targets[i]] > 0.8);
  });
  const { gradient } = softmaxObjective(model, rows, targets, 10, model.parameters);
  assert.ok(Math.max(...gradient.map(Math.abs)) < 1e-4);
});
