import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random, sum } from '../tensor/index.ts';
import { assertClose } from '../tensor/test-helpers.ts';
import { Embedding } from './embedding.ts';
import { Linear } from './linear.ts';
import { parameterCount, prefixed, setRequiresGrad, zeroGrad } from './module.ts';
import { RMSNorm } from './rms-norm.ts';

test('Linear.create follows PyTorch init bounds and lists weight and bias', () => {
  const layer = Linear.create(16, 4, new Random(1), { bias: true });
  const bound = 1 / Math.sqrt(16);
  assert.ok(layer.weight.toArray().every((w) => Math.abs(w) <= bound));
  assert.ok(layer.bias!.toArray().every((b) => Math.abs(b) <= bound));
  assert.deepEqual(prefixed('model.q_proj', layer).map(([name]) => name), ['model.q_proj.weight', 'model.q_proj.bias']);
  assert.equal(parameterCount(layer), 68);
  setRequiresGrad(layer, false);
  assert.equal(parameterCount(layer, true), 0);
});

test('RMSNorm and Embedding layers run forward and backward', () => {
  const random = new Random(2);
  const embed = Embedding.create(10, 4, random);
  const norm = RMSNorm.create(4, 1e-5);
  const y = norm.forward(embed.forward(new Int32Array([1, 2, 1]), [1, 3]));
  assert.deepEqual(y.shape, [1, 3, 4]);
  // unit weight: every row has mean square ≈ 1
  for (let r = 0; r < 3; r++) {
    const row = y.toArray().slice(r * 4, r * 4 + 4);
    assertClose([row.reduce((total, v) => total + v * v, 0) / 4], [1], 1e-4);
  }
  sum(y).backward();
  assert.ok(embed.weight.grad && norm.weight.grad);
  zeroGrad(embed);
  assert.equal(embed.weight.grad, null);
});
