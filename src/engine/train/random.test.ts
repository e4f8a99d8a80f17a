import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from './random.ts';

test('same seed gives the same sequence; saved state resumes exactly', () => {
  const a = new SeededRandom(42);
  const b = new SeededRandom(42);
  for (let i = 0; i < 10; i++) assert.equal(a.next(), b.next());
  const resumed = new SeededRandom(a.state());
  for (let i = 0; i < 10; i++) assert.equal(resumed.nextUint32(), a.nextUint32());
  assert.notEqual(new SeededRandom(1).next(), new SeededRandom(2).next());
});

test('values are uniform-looking in [0, 1)', () => {
  const random = new SeededRandom(7);
  let sum = 0;
  for (let i = 0; i < 10000; i++) {
    const x = random.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / 10000 - 0.5) < 0.02);
});
