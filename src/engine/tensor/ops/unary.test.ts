import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../random.ts';
import { exp, gelu, log, relu, sigmoid, silu, sqrt, square, swiglu, tanh, erf } from './unary.ts';
import { assertGradients, randomParameter } from '../test-helpers.ts';
import { tensor } from '../create.ts';
import type { Tensor } from '../tensor.ts';

const shapes = [[1], [7], [3, 5], [2, 1, 3]];

test('unary ops backward match finite differences', () => {
  const random = new Random(2);
  for (const shape of shapes) {
    for (const op of [exp, square, tanh, sigmoid, silu, (x: Tensor) => gelu(x), (x: Tensor) => gelu(x, "tanh")]) {
      assertGradients(op, [randomParameter(random, shape)]);
    }
    // log and sqrt on positive inputs
    assertGradients(log, [randomParameter(random, shape, 0.2, 1.5)]);
    assertGradients(sqrt, [randomParameter(random, shape, 0.2, 1.5)]);
    // relu away from the kink
    const x = randomParameter(random, shape);
    for (let i = 0; i < x.size; i++) if (Math.abs(x.values[i]) < 0.01) x.values[i] = 0.5;
    assertGradients(relu, [x]);
    assertGradients(swiglu, [randomParameter(random, shape), randomParameter(random, shape)]);
    // only one side trainable
    for (const frozen of [0, 1]) {
      const inputs = [randomParameter(random, shape), randomParameter(random, shape)];
      inputs[frozen].requiresGrad = false;
      assertGradients(swiglu, inputs);
      assert.equal(inputs[frozen].grad, null);
    }
  }
});

test('forward values of silu, gelu and erf against known numbers', () => {
  // silu(1) = 1/(1+e^-1); erf(0.5) = 0.5204998778130465; gelu(1) = 0.8413447460685429
  assert.ok(Math.abs(silu(tensor([1])).item() - 0.7310585786300049) < 1e-6);
  assert.ok(Math.abs(erf(0.5) - 0.5204998778130465) < 2e-7);
  assert.ok(Math.abs(gelu(tensor([1])).item() - 0.8413447460685429) < 1e-6);
  assert.ok(Math.abs(gelu(tensor([1]), 'tanh').item() - 0.8411919906082768) < 1e-6);
});

test('float32 paths (fastExp) agree with the float64 paths (Math.exp) to float32 accuracy', async () => {
  const { softmax } = await import('./softmax.ts');
  const values = Array.from({ length: 500 }, (_, i) => Math.sin(i * 7.3) * 12);
  const single = tensor(values, [5, 100]);
  const double = tensor(single.values, [5, 100], { dtype: 'float64' }); // same (float32-rounded) inputs
  const pairs: [string, (x: Tensor) => Tensor][] = [['exp', exp], ['sigmoid', sigmoid], ['silu', silu], ['softmax', (x) => softmax(x)], ['swiglu', (x) => swiglu(x, x)]];
  for (const [name, op] of pairs) {
    const a = op(single).values;
    const b = op(double).values;
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 4e-7 * Math.abs(b[i]) + 1e-12, `${name} element ${i}: ${a[i]} vs ${b[i]}`);
  }
});
