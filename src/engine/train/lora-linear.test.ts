import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradientCheck, } from '../tensor/gradient-check.ts';
import { linear, Random, tensor, Tensor } from '../tensor/index.ts';
import { LoraLinear, loraLinear } from './lora-linear.ts';

function random64(shape: number[], seed: number, requiresGrad = true): Tensor {
  const random = new Random(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: size }, () => random.normal()), shape, { dtype: 'float64', requiresGrad });
}

test('LoRA layer gradients (x, A, B, W, bias) match central finite differences in float64', () => {
  const x = random64([2, 3, 5], 1);
  const weight = random64([4, 5], 2);
  const bias = random64([4], 3);
  const a = random64([3, 5], 4);
  const b = random64([4, 3], 5);
  const result = gradientCheck((xi, w, bi, ai, bb) => loraLinear(xi, w, bi, ai, bb, 0.7, 0, null), [x, weight, bias, a, b]);
  assert.ok(result.ok, result.failure);
});

test('LoRA gradients with dropout match finite differences for a fixed mask', () => {
  const x = random64([4, 6], 6);
  const weight = random64([3, 6], 7, false);
  const a = random64([2, 6], 8);
  const b = random64([3, 2], 9);
  // the same seed for every evaluation gives the same mask, so the function is deterministic
  const result = gradientCheck((xi, w, ai, bb) => loraLinear(xi, w, null, ai, bb, 2, 0.3, new Random(11)), [x, weight, a, b]);
  assert.ok(result.ok, result.failure);
});

test('a fresh LoRA layer equals its base (B = 0); the output is W·x + s·B·A·x', () => {
  const weight = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const layer = new LoraLinear(weight, null, { r: 2, alpha: 4, dropout: 0, useRslora: false }, new Random(1));
  const x = tensor([0.5, -1, 2], [1, 3]);
  assert.deepEqual(layer.forward(x).toArray(), linear(x, weight).toArray());
  const bound = 1 / Math.sqrt(3);
  assert.ok(layer.loraA.toArray().every((value) => Math.abs(value) <= bound), 'A ~ U(-1/√in, 1/√in) as kaiming_uniform(a=√5)');
  (layer.loraB.values as Float32Array).set([1, 0, 0, 1]);
  const a = layer.loraA.toArray();
  const ax = [0, 1].map((k) => a[3 * k] * 0.5 - a[3 * k + 1] + a[3 * k + 2] * 2);
  const expected = [0.5 - 2 + 6 + 2 * ax[0], 2 - 5 + 12 + 2 * ax[1]];
  layer.forward(x).toArray().forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-5));
  assert.equal(new LoraLinear(weight, null, { r: 4, alpha: 8, dropout: 0, useRslora: true }, new Random(1)).scale, 4);
});
