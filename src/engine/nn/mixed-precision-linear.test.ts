/**
 * bf16 mixed-precision linear: the op's gradients against finite differences in float64 (with the weight as its
 * own copy), the bf16 products against a float64 reference with bf16-rounded weights (the bf16
 * tolerance, 1e-2 relative), FP32 gradient accumulation, and when the bf16 copy is refreshed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bf16ToF32, f32ToBf16 } from '../backend/bf16.ts';
import { gradientCheck } from '../tensor/gradient-check.ts';
import { linear, normal, Random, sum, Tensor } from '../tensor/index.ts';
import { assertClose, randomParameter } from '../tensor/test-helpers.ts';
import { MixedPrecisionLinear } from './mixed-precision-linear.ts';

test('linear with a separate product weight: gradients of x, W and bias match central finite differences in float64', () => {
  const random = new Random(40);
  const [x, weight, bias] = [randomParameter(random, [2, 3, 5]), randomParameter(random, [4, 5]), randomParameter(random, [4])];
  // the weight's own buffer as the copy: a perturbed W is what the products see, so the op is a plain linear
  const result = gradientCheck((xi, w, b) => linear(xi, w, b, w.data), [x, weight, bias]);
  assert.ok(result.ok, result.failure);
});

/** max |a − b| / max |b|: the error relative to the reference's scale. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let error = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    error = Math.max(error, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return error / scale;
}

test('y, dx, dW and db of the bf16 linear agree with float64 (and with FP32 on bf16-rounded weights) within 1e-2', () => {
  const random = new Random(41);
  const [rows, inFeatures, outFeatures] = [37, 70, 45]; // awkward sizes, past one micro-kernel tile
  const make = () => ({
    x: normal([rows, inFeatures], new Random(1), 0, 1, { requiresGrad: true }),
    weight: normal([outFeatures, inFeatures], new Random(2), 0, 0.1, { requiresGrad: true }),
    bias: normal([outFeatures], new Random(3), 0, 0.1, { requiresGrad: true }),
  });
  const upstream = normal([rows, outFeatures], random);
  const run = (forward: (inputs: ReturnType<typeof make>) => Tensor) => {
    const inputs = make();
    const y = forward(inputs);
    y.backward(upstream);
    return { y: y.values, dx: inputs.x.grad!.values, dW: inputs.weight.grad!.values, db: inputs.bias.grad!.values };
  };
  const mixed = run(({ x, weight, bias }) => new MixedPrecisionLinear(weight, bias).forward(x));
  const roundedFp32 = run(({ x, weight, bias }) => {
    const rounded = new Tensor(Float32Array.from(weight.values, (value) => bf16ToF32(f32ToBf16(value))), weight.shape);
    return linear(x, weight, bias, rounded.data);
  });
  // float64 reference: W̃ = bf16(W) for y and dx, exact products, dW = gᵀ·x
  const { x, weight, bias } = make();
  const rounded = Float64Array.from(weight.values, (value) => bf16ToF32(f32ToBf16(value)));
  const g = upstream.values;
  const reference = { y: new Float64Array(rows * outFeatures), dx: new Float64Array(rows * inFeatures), dW: new Float64Array(outFeatures * inFeatures), db: new Float64Array(outFeatures) };
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outFeatures; o++) {
      let value = bias.values[o];
      for (let i = 0; i < inFeatures; i++) value += x.values[r * inFeatures + i] * rounded[o * inFeatures + i];
      reference.y[r * outFeatures + o] = value;
      const gradient = g[r * outFeatures + o];
      reference.db[o] += gradient;
      for (let i = 0; i < inFeatures; i++) {
        reference.dx[r * inFeatures + i] += gradient * rounded[o * inFeatures + i];
        reference.dW[o * inFeatures + i] += gradient * x.values[r * inFeatures + i];
      }
    }
  }
  for (const key of ['y', 'dx', 'dW', 'db'] as const) {
    const errorMixed = relativeError(mixed[key], reference[key]);
    const errorRounded = relativeError(roundedFp32[key], reference[key]);
    assert.ok(errorMixed < 1e-2, `${key}: bf16 linear vs float64 ${errorMixed}`);
    assert.ok(errorRounded < 1e-5, `${key}: FP32 linear on bf16-rounded W vs float64 ${errorRounded}`);
    assert.ok(relativeError(mixed[key], roundedFp32[key]) < 1e-2, `${key}: bf16 vs FP32 on rounded W`);
  }
  // dW and db never touch the bf16 copy: FP32 products of FP32 activations
  assert.ok(relativeError(mixed.dW, reference.dW) < 1e-5 && relativeError(mixed.db, reference.db) < 1e-6);
  // and the rounding really shows in y: FP32 on the unrounded weight differs from the reference by more
  const unrounded = linear(x, weight, bias).values;
  assert.ok(relativeError(unrounded, reference.y) > 1e-4, 'bf16 rounding of W is visible in y');
});

test('the bf16 copy is re-rounded only after weightChanged(); the master gradient accumulates in FP32', () => {
  const random = new Random(42);
  const weight = normal([6, 8], random, 0, 0.5, { requiresGrad: true });
  const layer = new MixedPrecisionLinear(weight);
  const x = normal([3, 8], random);
  const before = layer.forward(x).values;
  assert.deepEqual(layer.namedParameters(), [['weight', weight]]);
  weight.values[0] += 0.25;
  assert.deepEqual(layer.forward(x).values, before, 'a forward without weightChanged() uses the old copy');
  layer.weightChanged();
  const after = layer.forward(x).values;
  assert.notDeepEqual(after, before);
  const rounded = new Tensor(Float32Array.from(weight.values, (value) => bf16ToF32(f32ToBf16(value))), weight.shape);
  const expected = linear(x, rounded).values;
  for (let i = 0; i < after.length; i++) assert.ok(Math.abs(after[i] - expected[i]) < 2e-2 * (1 + Math.abs(expected[i])));
  sum(layer.forward(x)).backward();
  const once = Float32Array.from(weight.grad!.values);
  sum(layer.forward(x)).backward();
  assertClose(weight.grad!.values, Array.from(once, (value) => 2 * value), 1e-6);
  assert.equal(weight.grad!.dtype, 'float32');
  assert.throws(() => new MixedPrecisionLinear(normal([2, 2], random, 0, 1, { dtype: 'float64' })), /float32 \[out, in\] master weight/);
});
