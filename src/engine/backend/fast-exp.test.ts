import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expOf, fastExp } from './fast-exp.ts';

test('fastExp is within 2e-7 relative of Math.exp over the float32 range', () => {
  let worst = 0;
  for (let i = 0; i <= 200000; i++) {
    const x = -87 + (175 * i) / 200000;
    const exact = Math.exp(x);
    worst = Math.max(worst, Math.abs(fastExp(x) - exact) / exact);
  }
  assert.ok(worst < 2e-7, `worst relative error ${worst}`);
});

test('fastExp edge cases match float32 exp', () => {
  assert.equal(fastExp(0), 1);
  assert.equal(Math.fround(fastExp(-200)), 0);
  assert.equal(Math.fround(fastExp(-Infinity)), 0);
  assert.equal(Math.fround(fastExp(100)), Infinity);
  assert.equal(Math.fround(fastExp(Infinity)), Infinity);
  assert.ok(Number.isNaN(fastExp(NaN)));
  assert.equal(expOf(1, true), Math.exp(1));
});
