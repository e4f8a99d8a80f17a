import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javascriptRowKernels, referenceExpShiftRows } from './row-kernels.ts';

test('reference expShiftRows: row max, Σ exp(x − max) and the stored exps', () => {
  const x = new Float32Array([0, 1, 2, 1000, 1000, -Infinity, -Infinity, -Infinity, -Infinity]);
  const rowMax = new Float32Array(3);
  const rowSum = new Float32Array(3);
  const exps = new Float32Array(9).fill(7);
  referenceExpShiftRows(x, 3, 3, rowMax, rowSum, exps);
  assert.deepEqual(Array.from(rowMax), [2, 1000, -Infinity]);
  assert.ok(Math.abs(rowSum[0] - (Math.exp(-2) + Math.exp(-1) + 1)) < 1e-6);
  assert.equal(rowSum[1], 2);
  assert.equal(rowSum[2], 0);
  assert.deepEqual(Array.from(exps.subarray(3)), [1, 1, 0, 0, 0, 0]);
});

test('the fastExp row kernel agrees with the reference to float32 accuracy', () => {
  const rows = 7;
  const cols = 301;
  const x = new Float32Array(rows * cols).map((_, i) => Math.sin(i * 12.9898) * 30);
  const [maxA, sumA, maxB, sumB] = [0, 0, 0, 0].map(() => new Float32Array(rows));
  const [expsA, expsB] = [new Float32Array(rows * cols), new Float32Array(rows * cols)];
  referenceExpShiftRows(x, rows, cols, maxA, sumA, expsA);
  javascriptRowKernels.expShiftRows(x, rows, cols, maxB, sumB, expsB);
  assert.deepEqual(maxB, maxA);
  for (let r = 0; r < rows; r++) assert.ok(Math.abs(sumB[r] - sumA[r]) <= 1e-6 * sumA[r]);
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(expsB[i] - expsA[i]) <= 3e-7 * expsA[i] + 1e-30);
});
