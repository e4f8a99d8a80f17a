import { test } from 'node:test';
import assert from 'node:assert/strict';
import { f32ArrayToBf16 } from '../backend/bf16.ts';
import { fromBf16, fromF16, full, kaimingUniform, tensor, toFloat32, toFloat64, zeros } from './create.ts';
import { Random } from './random.ts';
import { Tensor } from './tensor.ts';

test('factories build the requested shapes and dtypes', () => {
  assert.deepEqual(zeros([2, 3]).toArray(), [0, 0, 0, 0, 0, 0]);
  assert.equal(full([2], 3, { dtype: 'float64' }).dtype, 'float64');
  assert.equal(tensor([1, 2], [2], { requiresGrad: true }).requiresGrad, true);
  assert.throws(() => new Tensor(new Float32Array(3), [2, 2]), /needs 4/);
});

test('kaimingUniform uses bound √(6 / ((1 + a²)·fan_in))', () => {
  const weight = kaimingUniform([64, 100], new Random(1), Math.sqrt(5));
  const bound = Math.sqrt(6 / (6 * 100));
  const values = weight.toArray();
  assert.ok(values.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...values.map(Math.abs)) > 0.95 * bound);
});

test('f16 storage is widened at load and bf16 is kept as bits', () => {
  // 0x3c00 = 1, 0xc000 = −2, 0x3555 ≈ 0.33325, 0x0001 = 2^−24 (subnormal)
  assert.deepEqual(fromF16(new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0001]), [4]).toArray(), [1, -2, 0.333251953125, 2 ** -24]);
  const bits = f32ArrayToBf16(new Float32Array([1.5, -3, 0.1]));
  const weight = fromBf16(bits, [3]);
  assert.equal(weight.dtype, 'bf16');
  assert.throws(() => weight.values, /bf16/);
  assert.throws(() => new Tensor(bits, [3], true), /cannot require gradients/);
  assert.deepEqual(toFloat32(weight).toArray(), [1.5, -3, 0.10009765625]);
  assert.equal(toFloat64(weight).dtype, 'float64');
});
