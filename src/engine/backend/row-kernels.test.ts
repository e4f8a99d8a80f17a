import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referenceExpShiftRows } from './row-kernels.ts';

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
