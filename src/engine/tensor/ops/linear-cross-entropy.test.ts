import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../random.ts';
import { noGrad } from '../autograd.ts';
import { linearCrossEntropy } from './linear-cross-entropy.ts';
import { crossEntropy } from './cross-entropy.ts';
import { linear } from './matmul.ts';
import { mul } from './elementwise.ts';
import { assertClose, assertGradients, randomParameter } from '../test-helpers.ts';
import { fromBf16, toFloat32 } from '../create.ts';
import { f32ArrayToBf16 } from '../../backend/bf16.ts';
import { Tensor } from '../tensor.ts';

const targets = new Int32Array([3, -100, 0, 10, 10, 5, 7]);

test('linearCrossEntropy gradients match finite differences, across several chunks', () => {
  const random = new Random(60);
  const x = randomParameter(random, [7, 5]);
  const weight = randomParameter(random, [11, 5]);
  for (const reduction of ['mean', 'sum'] as const) {
    for (const chunkLogits of [22, 1, 1000]) {
      assertGradients((a, w) => linearCrossEntropy(a, w, targets, { reduction, chunkLogits }), [x, weight]);
    }
  }
  // a non-unit upstream gradient scales both results
  assertGradients((a, w) => mul(linearCrossEntropy(a, w, targets, { chunkLogits: 33 }), 2.5), [x, weight]);
});

test('linearCrossEntropy equals linear + crossEntropy (value and gradients)', () => {
  const random = new Random(61);
  const x = randomParameter(random, [7, 5]);
  const weight = randomParameter(random, [11, 5]);
  const fused = linearCrossEntropy(x, weight, targets, { reduction: 'sum', chunkLogits: 30 });
  fused.backward();
  const [fusedX, fusedW] = [x.grad!.values.slice(), weight.grad!.values.slice()];
  x.zeroGrad();
  weight.zeroGrad();
  const composed = crossEntropy(linear(x, weight), targets, { reduction: 'sum' });
  composed.backward();
  assertClose([fused.item()], [composed.item()], 1e-12);
  assertClose(fusedX, x.grad!.values, 1e-12, 'dx');
  assertClose(fusedW, weight.grad!.values, 1e-12, 'dw');
  const evaluation = noGrad(() => linearCrossEntropy(x, weight, targets, { reduction: 'sum' }));
  assert.equal(evaluation.node, null);
  assertClose([evaluation.item()], [composed.item()], 1e-12);
});

test('linearCrossEntropy with a frozen bf16 head gives dX only', () => {
  const random = new Random(62);
  const x = new Tensor(random.fillNormal(new Float32Array(7 * 8)), [7, 8], true);
  const bits = f32ArrayToBf16(random.fillNormal(new Float32Array(11 * 8)));
  const head = fromBf16(bits, [11, 8]);
  const loss = linearCrossEntropy(x, head, targets, { chunkLogits: 40 });
  loss.backward();
  const reference = new Tensor(x.values.slice(), [7, 8], true);
  const expected = crossEntropy(linear(reference, toFloat32(head)), targets);
  expected.backward();
  // hardware bf16 paths round x to bf16 too
  assertClose([loss.item()], [expected.item()], 2e-2);
  assertClose(x.grad!.values, reference.grad!.values, 2e-2);
  assert.throws(() => linearCrossEntropy(x, head, new Int32Array([0, 0, 0, 0, 0, 0, 11])), /outside/);
});
