import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random, sum, Tensor, normal } from '../tensor/index.ts';
import { assertClose, assertGradients, randomParameter } from '../tensor/test-helpers.ts';
import { Linear } from './linear.ts';
import { LoRALinear } from './lora-linear.ts';
import { trainableParameters } from './module.ts';

function setup(rsLoRA = false): { lora: LoRALinear; x: Tensor; random: Random } {
  const random = new Random(30);
  const base = new Linear(randomParameter(random, [5, 7]), randomParameter(random, [5]));
  const lora = new LoRALinear(base, { rank: 3, alpha: 6, rsLoRA }, random);
  lora.loraB = randomParameter(random, [5, 3]);
  return { lora, x: randomParameter(random, [2, 4, 7]), random };
}

test('LoRA starts equal to its base (B = 0) and freezes the base', () => {
  const random = new Random(31);
  const base = Linear.create(7, 5, random, { bias: true });
  const lora = new LoRALinear(base, { rank: 2, alpha: 4 }, random);
  const x = normal([3, 7], random);
  assert.deepEqual(lora.forward(x).toArray(), base.forward(x).toArray());
  assert.deepEqual(trainableParameters(lora).map(([name]) => name), ['lora_A.weight', 'lora_B.weight']);
  assert.deepEqual(lora.loraA.shape, [2, 7]);
  assert.deepEqual(lora.loraB.shape, [5, 2]);
  assert.equal(lora.scale, 2);
});

test('LoRA output is base + scale·x·Aᵀ·Bᵀ (naive loops), and merge() folds it into the weight', () => {
  for (const rsLoRA of [false, true]) {
    const { lora, x } = setup(rsLoRA);
    const scale = rsLoRA ? 6 / Math.sqrt(3) : 2;
    assert.equal(lora.scale, scale);
    const [A, B, W, bias] = [lora.loraA.values, lora.loraB.values, lora.base.weight.values, lora.base.bias!.values];
    const expected: number[] = [];
    for (let row = 0; row < 8; row++) {
      for (let o = 0; o < 5; o++) {
        let value = bias[o];
        for (let i = 0; i < 7; i++) value += x.values[row * 7 + i] * W[o * 7 + i];
        for (let r = 0; r < 3; r++) {
          let low = 0;
          for (let i = 0; i < 7; i++) low += x.values[row * 7 + i] * A[r * 7 + i];
          value += scale * low * B[o * 3 + r];
        }
        expected.push(value);
      }
    }
    assertClose(lora.forward(x).values, expected, 1e-12);
    assertClose(lora.merge().forward(x).values, expected, 1e-12);
  }
});

test('LoRA gradients for A, B and x match finite differences; the base gets none', () => {
  const { lora, x } = setup();
  assertGradients((input, a, b) => {
    lora.loraA = a;
    lora.loraB = b;
    return lora.forward(input);
  }, [x, lora.loraA, lora.loraB]);
  sum(lora.forward(x)).backward();
  assert.equal(lora.base.weight.grad, null);
  assert.equal(lora.base.bias!.grad, null);
});

test('LoRA dropout is seeded and only active in training', () => {
  const make = (): LoRALinear => {
    const random = new Random(32);
    const lora = new LoRALinear(Linear.create(6, 4, random), { rank: 2, alpha: 2, dropout: 0.5 }, random);
    lora.loraB = normal([4, 2], random);
    return lora;
  };
  const x = normal([3, 6], new Random(1));
  const first = make();
  const second = make();
  assert.deepEqual(first.forward(x).toArray(), second.forward(x).toArray());
  first.training = false;
  const evaluation = first.forward(x).toArray();
  assert.deepEqual(first.forward(x).toArray(), evaluation);
  assertClose(evaluation, first.merge().forward(x).values, 1e-5);
});
