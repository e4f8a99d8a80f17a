import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../random.ts';
import { add, div, mul, sub } from './elementwise.ts';
import { assertGradients, randomParameter } from '../test-helpers.ts';
import { tensor } from '../create.ts';

const shapePairs: [number[], number[]][] = [
  [[7, 3], [7, 3]],
  [[3, 1, 5], [4, 1]],
  [[1], [2, 3]],
  [[2, 3, 5], [5]],
  [[2, 1, 3], [2, 5, 1]],
  [[1, 1], [1, 1]],
];

for (const [name, op] of [['add', add], ['sub', sub], ['mul', mul], ['div', div]] as const) {
  test(`${name} backward matches finite differences with broadcasting`, () => {
    const random = new Random(1);
    for (const [shapeA, shapeB] of shapePairs) {
      const a = randomParameter(random, shapeA);
      // keep divisors away from zero
      const b = name === 'div' ? randomParameter(random, shapeB, 0.3, 2) : randomParameter(random, shapeB);
      assertGradients((x, y) => op(x, y), [a, b]);
      assertGradients((x) => op(x, 1.7), [a]);
    }
  });
}

test('broadcast forward values', () => {
  const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = tensor([10, 20, 30], [3]);
  assert.deepEqual(add(a, b).toArray(), [11, 22, 33, 14, 25, 36]);
  const column = tensor([2, 3], [2, 1]);
  assert.deepEqual(mul(a, column).toArray(), [2, 4, 6, 12, 15, 18]);
  assert.deepEqual(sub(b, a).shape, [2, 3]);
  assert.throws(() => add(a, tensor([1, 2], [2])), /cannot be broadcast/);
});
