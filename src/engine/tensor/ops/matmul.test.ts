import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../random.ts';
import { linear, matmul } from './matmul.ts';
import { assertClose, assertGradients, randomParameter } from '../test-helpers.ts';
import { fromBf16, tensor, toFloat32 } from '../create.ts';
import { f32ArrayToBf16 } from '../../backend/bf16.ts';
import { Tensor } from '../tensor.ts';
import { sum } from './reduce.ts';

/** Plain triple loop on explicit transposes: the independent oracle for the GEMM flag mapping. */
function naiveMatmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((total, value, l) => total + value * b[l][j], 0)));
}

test('matmul forward matches a naive product for every transpose combination', () => {
  const random = new Random(8);
  for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [2, 1, 4]]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = randomParameter(random, transA ? [k, m] : [m, k]);
        const b = randomParameter(random, transB ? [n, k] : [k, n]);
        const rowsOf = (t: Tensor, rows: number, cols: number, trans: boolean): number[][] =>
          Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (trans ? t.values[j * rows + i] : t.values[i * cols + j])));
        const expected = naiveMatmul(rowsOf(a, m, k, transA), rowsOf(b, k, n, transB)).flat();
        assertClose(matmul(a, b, { transA, transB }).values, expected, 1e-12, `m${m} k${k} n${n} tA${transA} tB${transB}`);
      }
    }
  }
});

test('matmul backward matches finite differences (batched, shared operands, transposes)', () => {
  const random = new Random(9);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const [m, k, n] = [3, 5, 2];
      const aShape = transA ? [k, m] : [m, k];
      const bShape = transB ? [n, k] : [k, n];
      const options = { transA, transB };
      assertGradients((a, b) => matmul(a, b, options), [randomParameter(random, aShape), randomParameter(random, bShape)]);
      assertGradients((a, b) => matmul(a, b, options), [randomParameter(random, [2, 3, ...aShape]), randomParameter(random, [2, 3, ...bShape])]);
      assertGradients((a, b) => matmul(a, b, options), [randomParameter(random, [3, ...aShape]), randomParameter(random, bShape)]);
      assertGradients((a, b) => matmul(a, b, options), [randomParameter(random, aShape), randomParameter(random, [3, ...bShape])]);
    }
  }
});

test('linear backward matches finite differences, with and without bias', () => {
  const random = new Random(10);
  const x = randomParameter(random, [2, 3, 5]);
  const weight = randomParameter(random, [7, 5]);
  const bias = randomParameter(random, [7]);
  assertGradients((a, w, b) => linear(a, w, b), [x, weight, bias]);
  assertGradients((a, w) => linear(a, w), [x, weight]);
  assertGradients((a, w) => linear(a, w), [randomParameter(random, [1, 1]), randomParameter(random, [1, 1])]);
});

test('frozen weights get no gradient and no dW work', () => {
  const random = new Random(11);
  const x = randomParameter(random, [4, 3]);
  const weight = randomParameter(random, [2, 3]);
  weight.requiresGrad = false;
  sum(linear(x, weight)).backward();
  assert.equal(weight.grad, null);
  assert.ok(x.grad !== null);
  const b = randomParameter(random, [3, 2]);
  b.requiresGrad = false;
  x.zeroGrad();
  sum(matmul(x, b)).backward();
  assert.equal(b.grad, null);
});

test('bf16 weights work in linear and matmul (forward and input gradient)', () => {
  const random = new Random(12);
  const weight32 = tensor(random.fillNormal(new Float32Array(6 * 5)), [6, 5]);
  const bits = f32ArrayToBf16(weight32.values as Float32Array);
  const weightBf16 = fromBf16(bits, [6, 5]);
  const widened = toFloat32(weightBf16);
  const x = new Tensor(random.fillNormal(new Float32Array(3 * 5)), [3, 5], true);
  const y = linear(x, weightBf16);
  // Hardware bf16 paths (AVX512-BF16, AMX) also round the float32 operand to bf16: ~3 significant digits.
  const tolerance = 2e-2;
  assertClose(y.values, linear(x.detach(), widened).values, tolerance);
  sum(y).backward();
  const reference = new Tensor(x.values.slice(), [3, 5], true);
  sum(linear(reference, widened)).backward();
  assertClose(x.grad!.values, reference.grad!.values, tolerance);
  assertClose(matmul(x.detach(), weightBf16, { transB: true }).values, y.values, tolerance);
});

test('linear weight gradients accumulate across micro-batches (direct beta = 1 path)', () => {
  const random = new Random(23);
  const weight = randomParameter(random, [3, 4]);
  const first = randomParameter(random, [2, 4]).detach();
  const second = randomParameter(random, [5, 4]).detach();
  sum(linear(first, weight)).backward();
  const one = weight.grad!.values.slice();
  weight.zeroGrad();
  sum(linear(second, weight)).backward();
  const two = weight.grad!.values.slice();
  weight.zeroGrad();
  sum(linear(first, weight)).backward();
  sum(linear(second, weight)).backward();
  assertClose(weight.grad!.values, one.map((v, i) => v + two[i]), 1e-12);
});
