/**
 * End-to-end checks of the tensor + nn layers: a tiny MLP and a tiny Llama-style transformer block train with
 * plain SGD (the loss goes down), and two runs with the same seed give bit-identical losses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add, attention, crossEntropy, noGrad, Random, reshape, rope, ropeFrequencies, ropeTable, swiglu, tanh, Tensor,
} from '../tensor/index.ts';
import { Embedding } from './embedding.ts';
import { Linear } from './linear.ts';
import { LoraLinear } from './lora-linear.ts';
import { trainableParameters, type Module } from './module.ts';
import { RMSNorm } from './rms-norm.ts';

function sgdStep(module: Module, learningRate: number): void {
  noGrad(() => {
    for (const [, parameter] of trainableParameters(module)) {
      const values = parameter.values;
      const grad = parameter.grad!.values;
      for (let i = 0; i < values.length; i++) values[i] -= learningRate * grad[i];
      parameter.zeroGrad();
    }
  });
}

function trainMlp(seed: number): number[] {
  const random = new Random(seed);
  const first = Linear.create(4, 16, random, { bias: true });
  const second = Linear.create(16, 3, random, { bias: true });
  const model: Module = { namedParameters: () => [...first.namedParameters(), ...second.namedParameters()] };
  const inputs = new Float32Array(32 * 4);
  const targets = new Int32Array(32);
  for (let i = 0; i < 32; i++) {
    for (let j = 0; j < 4; j++) inputs[i * 4 + j] = random.normal();
    targets[i] = inputs[i * 4] + inputs[i * 4 + 1] > 0 ? (inputs[i * 4 + 2] > 0 ? 2 : 1) : 0;
  }
  const losses: number[] = [];
  for (let step = 0; step < 60; step++) {
    const x = new Tensor(inputs, [32, 4]);
    const loss = crossEntropy(second.forward(tanh(first.forward(x))), targets);
    losses.push(loss.item());
    loss.backward();
    sgdStep(model, 0.5);
  }
  return losses;
}

test('a tiny MLP trains and is bit-reproducible', () => {
  const losses = trainMlp(1);
  assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  assert.deepEqual(trainMlp(1), losses);
  assert.notDeepEqual(trainMlp(2), losses);
});

/** One Llama block between an embedding and an LM head. Shape legend: B batch, T tokens, C model dim, V vocab. */
function tinyTransformer(random: Random, vocab: number, dim: number, heads: number, kvHeads: number, lora?: number) {
  const headDim = dim / heads;
  const project = (inFeatures: number, outFeatures: number): Linear | LoraLinear => {
    const base = Linear.create(inFeatures, outFeatures, random);
    return lora ? new LoraLinear(base.weight, base.bias, { r: lora, alpha: 2 * lora, dropout: 0, useRslora: false }, random) : base;
  };
  const layers = {
    embed: Embedding.create(vocab, dim, random, 0.5),
    attentionNorm: RMSNorm.create(dim, 1e-5),
    q: project(dim, dim),
    k: project(dim, kvHeads * headDim),
    v: project(dim, kvHeads * headDim),
    o: project(dim, dim),
    mlpNorm: RMSNorm.create(dim, 1e-5),
    gate: project(dim, 2 * dim),
    up: project(dim, 2 * dim),
    down: project(2 * dim, dim),
    finalNorm: RMSNorm.create(dim, 1e-5),
    head: Linear.create(dim, vocab, random),
  };
  if (lora) for (const layer of [layers.embed, layers.attentionNorm, layers.mlpNorm, layers.finalNorm, layers.head]) {
    layer.weight.requiresGrad = false;
  }
  const table = ropeTable(ropeFrequencies(headDim, 10000), 512);
  const forward = (ids: Int32Array, batch: number, tokens: number): Tensor => {
    const x = layers.embed.forward(ids, [batch, tokens]); // [B, T, C]
    const h = layers.attentionNorm.forward(x);
    const q = rope(reshape(layers.q.forward(h), [batch, tokens, heads, headDim]), table, { convention: 'half' });
    const k = rope(reshape(layers.k.forward(h), [batch, tokens, kvHeads, headDim]), table, { convention: 'half' });
    const v = reshape(layers.v.forward(h), [batch, tokens, kvHeads, headDim]);
    const attended = reshape(attention(q, k, v), [batch, tokens, dim]);
    const x2 = add(x, layers.o.forward(attended));
    const m = layers.mlpNorm.forward(x2);
    const x3 = add(x2, layers.down.forward(swiglu(layers.gate.forward(m), layers.up.forward(m))));
    return layers.head.forward(layers.finalNorm.forward(x3)); // [B, T, V]
  };
  const model: Module = {
    namedParameters: () => Object.entries(layers).flatMap(([name, layer]) =>
      layer.namedParameters().map(([inner, tensor]): [string, Tensor] => [`${name}.${inner}`, tensor])),
  };
  return { forward, model };
}

function trainTransformer(seed: number, lora?: number): number[] {
  const random = new Random(seed);
  const { forward, model } = tinyTransformer(random, 13, 16, 4, 2, lora);
  // a repeating sequence the block can learn to continue
  const [batch, tokens] = [2, 12];
  const ids = new Int32Array(batch * tokens);
  const targets = new Int32Array(batch * tokens);
  for (let i = 0; i < ids.length; i++) {
    ids[i] = (3 * i + (i >= tokens ? 5 : 0)) % 13;
    targets[i] = (3 * (i + 1) + (i >= tokens ? 5 : 0)) % 13;
  }
  const losses: number[] = [];
  for (let step = 0; step < 25; step++) {
    const loss = crossEntropy(forward(ids, batch, tokens), targets);
    losses.push(loss.item());
    loss.backward();
    sgdStep(model, lora ? 0.3 : 0.1);
  }
  return losses;
}

test('a tiny transformer block trains, bit-reproducibly', () => {
  const losses = trainTransformer(3);
  assert.ok(losses[losses.length - 1] < 0.6 * losses[0], `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  assert.deepEqual(trainTransformer(3), losses);
});

test('LoRA on a tiny transformer trains only the adapters', () => {
  const random = new Random(4);
  const { model } = tinyTransformer(random, 13, 16, 4, 2, 2);
  const trainable = trainableParameters(model).map(([name]) => name);
  assert.ok(trainable.length === 14 && trainable.every((name) => name.includes('lora_')), trainable.join());
  const losses = trainTransformer(4, 2);
  assert.ok(losses[losses.length - 1] < 0.8 * losses[0], `loss ${losses[0]} → ${losses[losses.length - 1]}`);
});
