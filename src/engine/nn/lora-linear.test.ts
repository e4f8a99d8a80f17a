/**
 * LoRA layer: gradients of the fused op against central finite differences in float64 (with and without
 * dropout), the output against naive loops, initialisation (B = 0, Kaiming-uniform A), scale, frozen base,
 * seeded dropout, and a bf16 base.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32ArrayToBf16 } from '../backend/bf16.ts';
import { gradientCheck } from '../tensor/gradient-check.ts';
import { fromBf16, linear, normal, Random, sum, tensor, Tensor, toFloat32 } from '../tensor/index.ts';
import { assertClose, randomParameter } from '../tensor/test-helpers.ts';
import { Linear } from './linear.ts';
import { LoraLinear, loraLinear, type LoraOptions } from './lora-linear.ts';
import { trainableParameters } from './module.ts';

const options = (r: number, alpha: number, extra: Partial<LoraOptions> = {}): LoraOptions => ({ r, alpha, dropout: 0, useRslora: false, ...extra });

function random64(shape: number[], seed: number, requiresGrad = true): Tensor {
  const parameter = randomParameter(new Random(seed), shape);
  parameter.requiresGrad = requiresGrad;
  return parameter;
}

test('gradients of x, W, bias, A and B match central finite differences in float64', () => {
  const [x, weight, bias, a, b] = [random64([2, 3, 5], 1), random64([4, 5], 2), random64([4], 3), random64([3, 5], 4), random64([4, 3], 5)];
  const result = gradientCheck((xi, w, bi, ai, bb) => loraLinear(xi, w, bi, ai, bb, 0.7, 0, null), [x, weight, bias, a, b]);
  assert.ok(result.ok, result.failure);
});

test('gradients with dropout match finite differences for a fixed mask', () => {
  const [x, weight, a, b] = [random64([4, 6], 6), random64([3, 6], 7, false), random64([2, 6], 8), random64([3, 2], 9)];
  // the same seed for every evaluation gives the same mask, so the function is deterministic
  const result = gradientCheck((xi, w, ai, bb) => loraLinear(xi, w, null, ai, bb, 2, 0.3, new Random(11)), [x, weight, a, b]);
  assert.ok(result.ok, result.failure);
});

test('a fresh layer equals its base (B = 0), freezes it, and draws A from U(±1/√in) like kaiming_uniform(a = √5)', () => {
  const random = new Random(31);
  const base = Linear.create(7, 5, random, { bias: true });
  const layer = new LoraLinear(base.weight, base.bias, options(2, 4), random);
  const x = normal([3, 7], random);
  assert.deepEqual(layer.forward(x).toArray(), base.forward(x).toArray());
  assert.deepEqual(trainableParameters(layer).map(([name]) => name), ['lora_A.weight', 'lora_B.weight']);
  assert.deepEqual(layer.namedParameters().map(([name]) => name), ['weight', 'bias', 'lora_A.weight', 'lora_B.weight']);
  assert.deepEqual([layer.loraA.shape, layer.loraB.shape], [[2, 7], [5, 2]]);
  assert.ok(layer.loraB.toArray().every((value) => value === 0));
  const bound = 1 / Math.sqrt(7);
  assert.ok(layer.loraA.toArray().every((value) => Math.abs(value) <= bound), 'A within ±1/√in');
  assert.ok(Math.max(...layer.loraA.toArray().map(Math.abs)) > 0.5 * bound, 'A spreads over the bound');
  assert.equal(layer.scale, 2);
  assert.throws(() => new LoraLinear(base.weight, null, options(0, 4), random), /rank must be a positive integer/);
});

test('output is x·Wᵀ + b + s·(x·Aᵀ)·Bᵀ (naive loops), s = alpha/r or alpha/√r with rsLoRA', () => {
  for (const useRslora of [false, true]) {
    const random = new Random(30);
    const [weight, bias] = [randomParameter(random, [5, 7]), randomParameter(random, [5])];
    const layer = new LoraLinear(weight, bias, options(3, 6, { useRslora }), random);
    layer.loraB.values.set(randomParameter(random, [5, 3]).values);
    const x = randomParameter(random, [2, 4, 7]);
    const scale = useRslora ? 6 / Math.sqrt(3) : 2;
    assert.equal(layer.scale, scale);
    const [A, B, W, b] = [layer.loraA.values, layer.loraB.values, weight.values, bias.values];
    const expected: number[] = [];
    for (let row = 0; row < 8; row++) {
      for (let o = 0; o < 5; o++) {
        let value = b[o];
        for (let i = 0; i < 7; i++) value += x.values[row * 7 + i] * W[o * 7 + i];
        for (let k = 0; k < 3; k++) {
          let low = 0;
          for (let i = 0; i < 7; i++) low += x.values[row * 7 + i] * A[k * 7 + i];
          value += scale * low * B[o * 3 + k];
        }
        expected.push(value);
      }
    }
    assertClose(layer.forward(x).values, expected, 1e-12);
  }
  assert.equal(new LoraLinear(tensor([1, 2, 3, 4, 5, 6], [2, 3]), null, options(4, 8, { useRslora: true }), new Random(1)).scale, 4);
});

test('the frozen base gets no gradient; x, A and B do', () => {
  const random = new Random(33);
  const [weight, bias] = [randomParameter(random, [4, 6]), randomParameter(random, [4])];
  const layer = new LoraLinear(weight, bias, options(2, 2), random);
  layer.loraB.values.set(randomParameter(random, [4, 2]).values);
  const x = randomParameter(random, [3, 6]);
  sum(layer.forward(x)).backward();
  assert.equal(weight.grad, null);
  assert.equal(bias.grad, null);
  assert.ok(x.grad && layer.loraA.grad && layer.loraB.grad);
});

test('dropout is seeded, only active in training, and needs a generator', () => {
  const make = (): LoraLinear => {
    const random = new Random(32);
    const base = Linear.create(6, 4, random);
    const layer = new LoraLinear(base.weight, null, options(2, 2, { dropout: 0.5 }), random);
    layer.loraB.values.set(normal([4, 2], random).values);
    return layer;
  };
  const x = normal([3, 6], new Random(1));
  const [first, second] = [make(), make()];
  assert.throws(() => first.forward(x), /needs a random generator/);
  first.random = new Random(7);
  second.random = new Random(7);
  const trained = first.forward(x).toArray();
  assert.deepEqual(second.forward(x).toArray(), trained);
  first.training = false;
  const evaluation = first.forward(x).toArray();
  assert.notDeepEqual(evaluation, trained);
  assert.deepEqual(first.forward(x).toArray(), evaluation);
  assertClose(evaluation, loraLinear(x, first.weight, null, first.loraA, first.loraB, first.scale, 0, null).values, 0);
});

test('a bf16 base keeps float32 adapters and matches float32 with the rounded weight', () => {
  const random = new Random(34);
  const weight32 = normal([16, 24], random, 0, 0.2);
  const weight = fromBf16(f32ArrayToBf16(weight32.values as Float32Array), [16, 24]);
  const layer = new LoraLinear(weight, null, options(4, 8), random);
  layer.loraB.values.set(normal([16, 4], random, 0, 0.1).values);
  assert.deepEqual([layer.loraA.dtype, layer.loraB.dtype], ['float32', 'float32']);
  const x = normal([5, 24], random);
  const rounded = toFloat32(weight);
  const expected = loraLinear(x, rounded, null, layer.loraA, layer.loraB, layer.scale, 0, null).values;
  // the backend may also round x to bf16 (AVX512-BF16 / AMX), so compare at bf16 precision
  assertClose(layer.forward(x).values, expected, 2e-2);
  assert.notDeepEqual(Array.from(linear(x, weight32).values), Array.from(linear(x, rounded).values));
});
