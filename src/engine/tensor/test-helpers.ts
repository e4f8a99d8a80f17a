/**
 * @module engine/tensor/test-helpers
 * Small helpers shared by the tensor tests: seeded float64 parameters and closeness assertions.
 */
import assert from 'node:assert/strict';
import { Random } from './random.ts';
import { Tensor } from './tensor.ts';
import { gradientCheck, type GradientCheckOptions } from './gradient-check.ts';

export function randomParameter(random: Random, shape: number[], scale = 1, shift = 0): Tensor {
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = shift + scale * random.normal();
  return new Tensor(data, shape, true);
}

export function assertGradients(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options?: GradientCheckOptions): void {
  const result = gradientCheck(fn, inputs, options);
  assert.ok(result.ok, result.failure);
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-9, label = ''): void {
  assert.equal(actual.length, expected.length, `${label} length`);
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= tolerance * Math.max(1, Math.abs(expected[i])))) {
      assert.fail(`${label} element ${i}: ${actual[i]} vs ${expected[i]} (error ${error})`);
    }
  }
}
