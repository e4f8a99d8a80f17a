/**
 * Activations held by the graph must become garbage once backward has used them: the graph keeps them alive
 * before backward, and nothing keeps them after (checked with WeakRefs and a forced GC).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Random } from './random.ts';
import { normal } from './create.ts';
import { crossEntropy } from './ops/cross-entropy.ts';
import { linear } from './ops/matmul.ts';
import { silu } from './ops/unary.ts';
import { attention } from './ops/attention.ts';
import { reshape } from './ops/shape.ts';
import type { Tensor } from './tensor.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function buildGraph(weight: Tensor, random: Random): { loss: Tensor; intermediates: WeakRef<Tensor>[] } {
  const x = normal([6, 8], random);
  const hidden = silu(linear(x, weight));
  const heads = reshape(hidden, [1, 6, 2, 4]);
  const attended = attention(heads, heads, heads);
  const logits = linear(reshape(attended, [6, 8]), weight);
  const loss = crossEntropy(logits, new Int32Array([0, 1, 2, 3, 4, 5]));
  return { loss, intermediates: [x, hidden, heads, attended, logits].map((t) => new WeakRef(t)) };
}

test('intermediate tensors are alive before backward and collectable right after it', async () => {
  const random = new Random(40);
  const weight = normal([8, 8], random, 0, 0.3, { requiresGrad: true });
  const { loss, intermediates } = buildGraph(weight, random);
  collectGarbage();
  assert.ok(intermediates.every((ref) => ref.deref() !== undefined), 'the graph keeps its activations');
  loss.backward();
  // let pending microtasks settle so no stack frame still references the graph
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  const alive = intermediates.filter((ref) => ref.deref() !== undefined).length;
  assert.equal(alive, 0, `${alive} activations survived backward`);
  assert.ok(weight.grad !== null);
  assert.equal(loss.node!.backward, null);
});
