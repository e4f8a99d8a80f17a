import { test } from 'node:test';
import { Random } from '../random.ts';
import { rmsNorm } from './rms-norm.ts';
import { add, div, mul } from './elementwise.ts';
import { mean } from './reduce.ts';
import { sqrt, square } from './unary.ts';
import { assertClose, assertGradients, randomParameter } from '../test-helpers.ts';
import type { Tensor } from '../tensor.ts';

function naiveRmsNorm(x: Tensor, weight: Tensor, eps: number): Tensor {
  return mul(div(x, sqrt(add(mean(square(x), -1, true), eps))), weight);
}

test('rmsNorm backward matches finite differences', () => {
  const random = new Random(15);
  for (const shape of [[1, 1], [3, 7], [2, 1, 5]]) {
    const x = randomParameter(random, shape);
    const weight = randomParameter(random, [shape[shape.length - 1]], 0.3, 1);
    assertGradients((a, w) => rmsNorm(a, w, 1e-5), [x, weight]);
  }
});

test('rmsNorm matches a composition of basic ops, forward and backward', () => {
  const random = new Random(16);
  const x = randomParameter(random, [4, 9]);
  const weight = randomParameter(random, [9], 0.3, 1);
  const fused = rmsNorm(x, weight, 1e-6);
  const naive = naiveRmsNorm(x, weight, 1e-6);
  assertClose(fused.values, naive.values, 1e-12);
  const upstream = randomParameter(random, [4, 9]).detach();
  fused.backward(upstream);
  const [fusedGradX, fusedGradW] = [x.grad!.values.slice(), weight.grad!.values.slice()];
  x.zeroGrad();
  weight.zeroGrad();
  naive.backward(upstream);
  assertClose(fusedGradX, x.grad!.values, 1e-12, 'dx');
  assertClose(fusedGradW, weight.grad!.values, 1e-12, 'dw');
});
