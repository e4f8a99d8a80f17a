import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceBackend } from '../../backend/reference.ts';
import { f32ArrayToBf16 } from '../../backend/bf16.ts';
import { Random } from '../../tensor/index.ts';
import { withGemv } from './decode-backend.ts';
import { loadGemvAddon } from './gemv-native.ts';

const { addon, reason } = loadGemvAddon();

test('decode GEMV equals the reference GEMM on awkward sizes (f32 and bf16 weights, accumulate)', { skip: addon ? false : reason }, () => {
  const backend = withGemv(referenceBackend, addon!);
  const random = new Random(3);
  for (const [m, n, k] of [[1, 1, 1], [1, 37, 15], [3, 64, 17], [5, 33, 100], [8, 7, 129], [2, 300, 1000]]) {
    const a = random.fillNormal(new Float32Array(m * k)) as Float32Array;
    const weight = random.fillNormal(new Float32Array(n * k)) as Float32Array;
    const start = random.fillNormal(new Float32Array(m * n)) as Float32Array;
    for (const beta of [0, 1]) {
      const expected = start.slice();
      referenceBackend.gemm(a, weight, expected, { m, n, k, transB: true, beta });
      const actual = start.slice();
      backend.gemm(a, weight, actual, { m, n, k, transB: true, beta });
      for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-4 * Math.sqrt(k), `f32 m=${m} n=${n} k=${k} beta=${beta} i=${i}`);
      const bits = f32ArrayToBf16(weight);
      const expectedBf16 = start.slice();
      referenceBackend.gemmBf16(a, bits, expectedBf16, { m, n, k, transB: true, beta });
      const actualBf16 = start.slice();
      backend.gemmBf16(a, bits, actualBf16, { m, n, k, transB: true, beta });
      for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actualBf16[i] - expectedBf16[i]) < 1e-4 * Math.sqrt(k), `bf16 m=${m} n=${n} k=${k}`);
    }
  }
});

test('batched, strided, offset and non-transposed small products equal the reference (attention shapes)', { skip: addon ? false : reason }, () => {
  const backend = withGemv(referenceBackend, addon!);
  const random = new Random(4);
  for (const transB of [true, false]) {
    for (const [m, n, k, batch] of [[3, 17, 64, 4], [1, 5, 9, 2], [8, 33, 7, 3]]) {
      const offsetA = 3;
      const offsetC = 2;
      const a = random.fillNormal(new Float32Array(offsetA + batch * m * k)) as Float32Array;
      const b = random.fillNormal(new Float32Array(n * k)) as Float32Array; // shared by every batch item (stride 0)
      const expected = new Float32Array(offsetC + batch * m * n);
      const args = { m, n, k, transB, batch, strideB: 0, offsetA, offsetC };
      referenceBackend.gemm(a, b, expected, args);
      const actual = new Float32Array(expected.length);
      backend.gemm(a, b, actual, args);
      for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-4 * Math.sqrt(k), `transB=${transB} m=${m} n=${n} k=${k} i=${i}`);
    }
  }
});

test('shapes that are not matrix-vector go to the wrapped backend', { skip: addon ? false : reason }, () => {
  let delegated = 0;
  const counting = { ...referenceBackend, gemm: (...args: Parameters<typeof referenceBackend.gemm>) => { delegated++; referenceBackend.gemm(...args); } };
  const backend = withGemv(counting, addon!);
  const a = new Float32Array(16 * 4).fill(1);
  backend.gemm(a, new Float32Array(4 * 4).fill(1), new Float32Array(16 * 4), { m: 16, n: 4, k: 4, transB: true });
  backend.gemm(a, new Float32Array(4 * 4).fill(1), new Float32Array(4 * 4), { m: 4, n: 4, k: 4, transA: true });
  backend.gemm(a, new Float32Array(4 * 4).fill(1), new Float32Array(4 * 4), { m: 1, n: 4, k: 4, transB: true });
  assert.equal(delegated, 2);
});
