/**
 * @module platform/eval/baselines/softmax-regression
 * Multinomial logistic regression on sparse features with an L2 penalty, fitted by L-BFGS. The objective is
 * scikit-learn's LogisticRegression(C) one divided by the number of rows:
 *   mean cross-entropy + ||W||² / (2·C·n), bias not penalized.
 * Parameters live in one flat array: weights [classes × features] followed by biases [classes].
 */
import type { SparseVector } from './text-features.ts';
import { minimizeLbfgs } from './lbfgs.ts';

export interface SoftmaxRegression {
  classCount: number;
  featureCount: number;
  parameters: Float64Array;
}

export interface SoftmaxTrainingOptions {
  /** Inverse regularization strength, as in scikit-learn (default 1). */
  C?: number;
  maxIterations?: number;
}

/** Class scores (logits) for one row, written into `out`. */
function logits(model: SoftmaxRegression, row: SparseVector, parameters: Float64Array, out: Float64Array): void {
  const biasOffset = model.classCount * model.featureCount;
  for (let k = 0; k < model.classCount; k++) {
    let sum = parameters[biasOffset + k];
    const base = k * model.featureCount;
    for (let j = 0; j < row.indices.length; j++) sum += parameters[base + row.indices[j]] * row.values[j];
    out[k] = sum;
  }
}

function softmaxInPlace(values: Float64Array): void {
  let max = -Infinity;
  for (const value of values) max = Math.max(max, value);
  let sum = 0;
  for (let k = 0; k < values.length; k++) {
    values[k] = Math.exp(values[k] - max);
    sum += values[k];
  }
  for (let k = 0; k < values.length; k++) values[k] /= sum;
}

export function softmaxObjective(
  model: SoftmaxRegression,
  rows: readonly SparseVector[],
  targets: readonly number[],
  C: number,
  parameters: Float64Array,
): { value: number; gradient: Float64Array } {
  const gradient = new Float64Array(parameters.length);
  const probabilities = new Float64Array(model.classCount);
  const biasOffset = model.classCount * model.featureCount;
  const n = rows.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    logits(model, rows[i], parameters, probabilities);
    softmaxInPlace(probabilities);
    loss -= Math.log(Math.max(probabilities[targets[i]], 1e-300));
    for (let k = 0; k < model.classCount; k++) {
      const error = (probabilities[k] - (k === targets[i] ? 1 : 0)) / n;
      gradient[biasOffset + k] += error;
      const base = k * model.featureCount;
      for (let j = 0; j < rows[i].indices.length; j++) gradient[base + rows[i].indices[j]] += error * rows[i].values[j];
    }
  }
  let penalty = 0;
  const strength = 1 / (C * n);
  for (let w = 0; w < biasOffset; w++) {
    penalty += parameters[w] * parameters[w];
    gradient[w] += strength * parameters[w];
  }
  return { value: loss / n + (strength / 2) * penalty, gradient };
}

export function trainSoftmaxRegression(
  rows: readonly SparseVector[],
  targets: readonly number[],
  classCount: number,
  featureCount: number,
  options: SoftmaxTrainingOptions = {},
): SoftmaxRegression & { iterations: number; converged: boolean; lossHistory: { step: number; value: number }[] } {
  const shell: SoftmaxRegression = { classCount, featureCount, parameters: new Float64Array(0) };
  const start = new Float64Array(classCount * featureCount + classCount);
  const lossHistory: { step: number; value: number }[] = [];
  const result = minimizeLbfgs((parameters) => softmaxObjective(shell, rows, targets, options.C ?? 1, parameters), start, {
    maxIterations: options.maxIterations ?? 1000,
    gradientTolerance: 1e-7,
    onIteration: (step, value) => lossHistory.push({ step, value }),
  });
  return { classCount, featureCount, parameters: result.x, iterations: result.iterations, converged: result.converged, lossHistory };
}

export function predictProbabilities(model: SoftmaxRegression, row: SparseVector): Float64Array {
  const probabilities = new Float64Array(model.classCount);
  logits(model, row, model.parameters, probabilities);
  softmaxInPlace(probabilities);
  return probabilities;
}
