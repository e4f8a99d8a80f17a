import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../random.ts';
import { crossEntropy } from './cross-entropy.ts';
import { logSoftmax } from './softmax.ts';
import { assertClose, assertGradients, randomParameter } from '../test-helpers.ts';
import { tensor } from '../create.ts';

test('cross-entropy backward matches finite differences for every reduction', () => {
  const random = new Random(13);
  const logits = randomParameter(random, [2, 3, 7], 2);
  const targets = new Int32Array([0, 6, -100, 3, 3, 1]);
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    assertGradients((x) => crossEntropy(x, targets, { reduction }), [logits]);
  }
  assertGradients((x) => crossEntropy(x, new Int32Array([4]), {}), [randomParameter(random, [1, 5])]);
});

test('cross-entropy equals the mean of −log_softmax at non-ignored targets', () => {
  const random = new Random(14);
  const logits = randomParameter(random, [5, 11], 4);
  const targets = new Int32Array([2, 7, 0, 10, 2]);
  targets[1] = 99;
  const ignored = crossEntropy(logits, targets, { ignoreIndex: 99 });
  const logProbabilities = logSoftmax(logits).values;
  const kept = [0, 2, 3, 4];
  const expected = -kept.reduce((total, r) => total + logProbabilities[r * 11 + targets[r]], 0) / kept.length;
  assertClose([ignored.item()], [expected], 1e-12);
  const rows = crossEntropy(logits, targets, { ignoreIndex: 99, reduction: 'none' });
  assert.deepEqual(rows.shape, [5]);
  assert.equal(rows.values[1], 0);
});

test('cross-entropy is stable with huge logits and handles all-ignored batches', () => {
  const loss = crossEntropy(tensor([1e4, 0, -1e4], [1, 3]), new Int32Array([1]));
  assertClose([loss.item()], [1e4], 1e-6);
  const logits = randomParameter(new Random(1), [2, 3]);
  const none = crossEntropy(logits, new Int32Array([-100, -100]));
  assert.equal(none.item(), 0);
  none.backward();
  assert.ok(logits.grad!.values.every((v) => v === 0));
  assert.throws(() => crossEntropy(logits, new Int32Array([0, 3])), /outside/);
});

test('cross-entropy runs float32 through the installed row kernels', async () => {
  const { getRowKernels, setRowKernels } = await import('../../backend/row-kernels.ts');
  const original = getRowKernels();
  let calls = 0;
  setRowKernels({ name: 'counting', expShiftRows: (...args) => { calls++; original.expShiftRows(...args); } });
  try {
    const logits = tensor([1, 2, 3, 0, 0, 5], [2, 3]);
    const loss = crossEntropy(logits, new Int32Array([2, 0])).item();
    const expected = (Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3 + Math.log(2 + Math.exp(5))) / 2;
    assert.ok(Math.abs(loss - expected) < 1e-6);
    assert.equal(calls, 1);
  } finally {
    setRowKernels(original);
  }
});
