import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from './random.ts';
import { noGrad } from './autograd.ts';
import { add, mul } from './ops/elementwise.ts';
import { linear } from './ops/matmul.ts';
import { sum } from './ops/reduce.ts';
import { reshape } from './ops/shape.ts';
import { tanh } from './ops/unary.ts';
import { tensor } from './create.ts';
import { assertClose, randomParameter } from './test-helpers.ts';
import type { Tensor } from './tensor.ts';

test('gradients accumulate across backward calls until zeroGrad', () => {
  const x = tensor([1, 2, 3], [3], { requiresGrad: true });
  sum(mul(x, x)).backward();
  assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
  sum(mul(x, 3)).backward();
  assert.deepEqual(x.grad!.toArray(), [5, 7, 9]);
  x.zeroGrad();
  sum(x).backward();
  assert.deepEqual(x.grad!.toArray(), [1, 1, 1]);
});

test('a tensor used on several paths receives the sum of their gradients', () => {
  const x = tensor([0.5, -1], [2], { requiresGrad: true });
  const y = tanh(x);
  // f = Σ (y + y·y + y) → df/dy = 2 + 2y
  sum(add(add(y, mul(y, y)), y)).backward();
  const expected = x.toArray().map((v) => (2 + 2 * Math.tanh(v)) * (1 - Math.tanh(v) ** 2));
  assertClose(x.grad!.values, expected, 1e-6);
});

test('noGrad records no history and restores the previous mode, even on throw', () => {
  const x = tensor([1, 2], [2], { requiresGrad: true });
  const y = noGrad(() => mul(x, 2));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.node, null);
  assert.throws(() => noGrad(() => { throw new Error('boom'); }));
  assert.equal(mul(x, 2).requiresGrad, true);
  assert.throws(() => y.backward(), /does not require a gradient/);
});

test('nodes release their saved tensors after backward and cannot be replayed', () => {
  const random = new Random(1);
  const x = randomParameter(random, [3, 4]);
  const weight = randomParameter(random, [2, 4]);
  const hidden = tanh(linear(x, weight));
  const loss = sum(hidden);
  const nodes = [hidden.node!, loss.node!];
  loss.backward();
  for (const node of nodes) {
    assert.equal(node.backward, null);
    assert.deepEqual(node.inputs, []);
  }
  assert.throws(() => loss.backward(), /already used by a backward pass/);
});

test('frozen parameters get no gradient while trainable ones do', () => {
  const random = new Random(2);
  const frozen = randomParameter(random, [3, 3]);
  frozen.requiresGrad = false;
  const trainable = randomParameter(random, [3, 3]);
  const x = randomParameter(random, [2, 3]).detach();
  const out: Tensor = linear(linear(x, frozen), trainable);
  sum(out).backward();
  assert.equal(frozen.grad, null);
  assert.ok(trainable.grad);
  assert.equal(x.grad, null);
});

test('a leaf gradient never aliases a caller-provided or shared buffer', () => {
  const x = tensor([1, 2, 3, 4], [4], { requiresGrad: true });
  const seed = tensor([1, 1, 1, 1], [2, 2]);
  reshape(x, [2, 2]).backward(seed);
  assert.notEqual(x.grad!.data, seed.data);
  reshape(x, [2, 2]).backward(seed);
  assert.deepEqual(seed.toArray(), [1, 1, 1, 1]);
  assert.deepEqual(x.grad!.toArray(), [2, 2, 2, 2]);
  const y = tensor([1, 2], [2], { requiresGrad: true });
  const z = tensor([3, 4], [2], { requiresGrad: true });
  sum(add(y, z)).backward();
  assert.notEqual(y.grad!.data, z.grad!.data);
});
