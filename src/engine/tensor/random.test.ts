import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from './random.ts';

test('same seed, same sequence; different seeds differ', () => {
  const a = new Random(42);
  const b = new Random(42);
  const c = new Random(43);
  const sequenceA = Array.from({ length: 20 }, () => a.nextUint32());
  assert.deepEqual(sequenceA, Array.from({ length: 20 }, () => b.nextUint32()));
  assert.notDeepEqual(sequenceA, Array.from({ length: 20 }, () => c.nextUint32()));
  assert.ok(sequenceA.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32));
});

test('uniform and normal have the right moments', () => {
  const random = new Random(7);
  const n = 200000;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const x = random.normal();
    sum += x;
    sumSquares += x * x;
  }
  assert.ok(Math.abs(sum / n) < 0.01);
  assert.ok(Math.abs(sumSquares / n - 1) < 0.02);
  const values = random.fillUniform(new Float64Array(n), -2, 4);
  const mean = values.reduce((x, y) => x + y, 0) / n;
  assert.ok(Math.abs(mean - 1) < 0.02);
  assert.ok(values.every((x) => x >= -2 && x < 4));
});

test('shuffle is a seeded permutation', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = new Random(3).shuffle([...items]);
  assert.deepEqual([...shuffled].sort((x, y) => x - y), items);
  assert.notDeepEqual(shuffled, items);
  assert.deepEqual(new Random(3).shuffle([...items]), shuffled);
  const fork = new Random(5).fork();
  assert.equal(fork.nextUint32(), new Random(5).fork().nextUint32());
});
