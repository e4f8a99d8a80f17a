import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossEntropy, noGrad, Random, reshape } from '../tensor/index.ts';
import type { LlamaConfig } from './config.ts';
import { KvCache } from './kv-cache.ts';
import type { Llama } from './llama.ts';
import { createModel } from './model-builders.ts';
import { generate, generateBatch } from './generate/generate.ts';
import { createTinyRandomModel } from './tiny-random.ts';

// *** an independent, deliberately naive float64 reference (plain loops, no tensor ops) ***

function naiveLogits(model: Llama, ids: number[]): Float64Array[] {
  const c = model.config;
  const p = new Map(model.namedParameters().map(([name, tensor]) => [name, Float64Array.from(tensor.data as Float32Array)]));
  const get = (name: string) => p.get(name)!;
  const { hiddenSize: C, numHeads: Hq, numKvHeads: Hkv, headDim: D, rmsNormEps: eps } = c;
  const matvec = (w: Float64Array, x: Float64Array, out: number, bias?: Float64Array) =>
    Float64Array.from({ length: out }, (_, o) => (bias ? bias[o] : 0) + x.reduce((sum, value, i) => sum + w[o * x.length + i] * value, 0));
  const norm = (x: Float64Array, w: Float64Array) => {
    const rms = Math.sqrt(x.reduce((sum, value) => sum + value * value, 0) / x.length + eps);
    return x.map((value, i) => (value / rms) * w[i]);
  };
  let inverse = Array.from({ length: D / 2 }, (_, i) => 1 / c.ropeTheta ** ((2 * i) / D));
  if (c.ropeScaling?.type === 'llama3') {
    const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: old } = c.ropeScaling;
    inverse = inverse.map((f) => {
      const wavelength = (2 * Math.PI) / f;
      if (wavelength < old / highFreqFactor) return f;
      if (wavelength > old / lowFreqFactor) return f / factor;
      const smooth = (old / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
      return (1 - smooth) * (f / factor) + smooth * f;
    });
  }
  const rotate = (head: Float64Array, position: number) => {
    const out = head.slice();
    for (let i = 0; i < D / 2; i++) {
      const [a, b] = c.ropeConvention === 'half' ? [i, i + D / 2] : [2 * i, 2 * i + 1];
      const angle = position * inverse[i];
      out[a] = head[a] * Math.cos(angle) - head[b] * Math.sin(angle);
      out[b] = head[b] * Math.cos(angle) + head[a] * Math.sin(angle);
    }
    return out;
  };
  let xs = ids.map((id) => get('model.embed_tokens.weight').slice(id * C, (id + 1) * C));
  for (let l = 0; l < c.numLayers; l++) {
    const n = (suffix: string) => get(`model.layers.${l}.${suffix}`);
    const bias = (suffix: string) => (c.attentionBias ? n(suffix) : undefined);
    const heads = (vector: Float64Array, count: number, normName: string, t: number, rope: boolean) =>
      Array.from({ length: count }, (_, h) => {
        let head = vector.slice(h * D, (h + 1) * D);
        if (c.qkNorm && normName) head = norm(head, n(normName));
        return rope ? rotate(head, t) : head;
      });
    const qs = xs.map((x, t) => heads(matvec(n('self_attn.q_proj.weight'), norm(x, n('input_layernorm.weight')), Hq * D, bias('self_attn.q_proj.bias')), Hq, 'self_attn.q_norm.weight', t, true));
    const ks = xs.map((x, t) => heads(matvec(n('self_attn.k_proj.weight'), norm(x, n('input_layernorm.weight')), Hkv * D, bias('self_attn.k_proj.bias')), Hkv, 'self_attn.k_norm.weight', t, true));
    const vs = xs.map((x) => heads(matvec(n('self_attn.v_proj.weight'), norm(x, n('input_layernorm.weight')), Hkv * D, bias('self_attn.v_proj.bias')), Hkv, '', 0, false));
    xs = xs.map((x, t) => {
      const attended = new Float64Array(Hq * D);
      for (let h = 0; h < Hq; h++) {
        const kv = Math.floor(h / (Hq / Hkv));
        const keys = Array.from({ length: t + 1 }, (_, s) => s).filter((s) => c.slidingWindow === undefined || s > t - c.slidingWindow);
        const scores = keys.map((s) => qs[t][h].reduce((sum, value, d) => sum + value * ks[s][kv][d], 0) / Math.sqrt(D));
        const top = Math.max(...scores);
        const weights = scores.map((score) => Math.exp(score - top));
        const total = weights.reduce((a, b) => a + b, 0);
        keys.forEach((s, j) => { for (let d = 0; d < D; d++) attended[h * D + d] += (weights[j] / total) * vs[s][kv][d]; });
      }
      const afterAttention = x.map((value, i) => value + matvec(n('self_attn.o_proj.weight'), attended, C)[i]);
      const h2 = norm(afterAttention, n('post_attention_layernorm.weight'));
      const gate = matvec(n('mlp.gate_proj.weight'), h2, c.intermediateSize);
      const up = matvec(n('mlp.up_proj.weight'), h2, c.intermediateSize);
      const hidden = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]);
      const down = matvec(n('mlp.down_proj.weight'), hidden, C);
      return afterAttention.map((value, i) => value + down[i]);
    });
  }
  const head = c.tieWordEmbeddings ? get('model.embed_tokens.weight') : get('lm_head.weight');
  return xs.map((x) => matvec(head, norm(x, get('model.norm.weight')), c.vocabSize));
}

function smallConfig(overrides: Partial<LlamaConfig>): LlamaConfig {
  return {
    architecture: 'llama', vocabSize: 37, hiddenSize: 24, intermediateSize: 40, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 6,
    maxPositionEmbeddings: 64, rmsNormEps: 1e-5, ropeTheta: 10000, ropeConvention: 'half', tieWordEmbeddings: false,
    attentionBias: false, qkNorm: false, eosTokenIds: [], ...overrides,
  };
}

/** A random model whose norms and biases are not the trivial 1 / 0, so every parameter matters. */
function randomModel(config: LlamaConfig, seed: number): Llama {
  const model = createModel(config, { seed });
  const random = new Random(seed + 1);
  for (const [, tensor] of model.namedParameters()) random.fillNormal(tensor.data as Float32Array, tensor.ndim === 1 ? 1 : 0, 0.3);
  return model;
}

const variants: [string, Partial<LlamaConfig>][] = [
  ['llama 3 (GQA, untied, llama3 rope scaling)', { ropeScaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 16 } }],
  ['llama2.c (interleaved rope, tied head)', { ropeConvention: 'interleaved', tieWordEmbeddings: true, numKvHeads: 4 }],
  ['qwen2 (q/k/v bias)', { architecture: 'qwen2', attentionBias: true, ropeTheta: 1000000 }],
  ['qwen3 (q/k norm)', { architecture: 'qwen3', qkNorm: true, numKvHeads: 1 }],
  ['mistral (sliding window 3)', { architecture: 'mistral', slidingWindow: 3 }],
];

for (const [label, overrides] of variants) {
  test(`forward matches a naive float64 reference: ${label}`, () => {
    const model = randomModel(smallConfig(overrides), 5);
    const ids = [1, 7, 3, 36, 0, 12, 5, 9];
    const logits = noGrad(() => model.forward(Int32Array.from(ids), { batch: 1, seqLen: ids.length })).values;
    const expected = naiveLogits(model, ids);
    let worst = 0;
    expected.forEach((row, t) => row.forEach((value, v) => { worst = Math.max(worst, Math.abs(value - logits[t * 37 + v])); }));
    const scale = Math.max(...expected.flatMap((row) => Array.from(row, Math.abs)));
    assert.ok(worst < 1e-4 * Math.max(1, scale), `max abs diff ${worst} (logit scale ${scale})`);
  });
}

test('KV-cache decoding gives the same logits as one full forward pass', () => {
  const model = randomModel(smallConfig({ slidingWindow: 4 }), 9);
  const ids = Int32Array.from([3, 1, 4, 1, 5, 9, 2, 6]);
  const full = noGrad(() => model.forward(ids, { batch: 1, seqLen: 8 })).values;
  const cache = new KvCache(2, 1, 8, 12);
  const prefill = noGrad(() => model.forward(ids.subarray(0, 5), { batch: 1, seqLen: 5, kvCache: cache })).values;
  const steps = [prefill.subarray(4 * 37, 5 * 37)];
  for (let t = 5; t < 8; t++) steps.push(noGrad(() => model.forward(ids.subarray(t, t + 1), { batch: 1, seqLen: 1, kvCache: cache })).values);
  steps.forEach((row, index) => {
    const t = 4 + index;
    for (let v = 0; v < 37; v++) assert.ok(Math.abs(row[v] - full[t * 37 + v]) < 1e-4, `t=${t} v=${v}`);
  });
});

test('packed sequences (segment ids + positions) equal separate forward passes', () => {
  const model = randomModel(smallConfig({}), 3);
  const first = [5, 6, 7];
  const second = [8, 9, 10, 11];
  const packed = noGrad(() => model.forward(Int32Array.from([...first, ...second]), {
    batch: 1, seqLen: 7, segmentIds: Int32Array.from([0, 0, 0, 1, 1, 1, 1]), positions: Int32Array.from([0, 1, 2, 0, 1, 2, 3]),
  })).values;
  const alone = noGrad(() => model.forward(Int32Array.from(second), { batch: 1, seqLen: 4 })).values;
  for (let i = 0; i < alone.length; i++) assert.ok(Math.abs(alone[i] - packed[3 * 37 + i]) < 1e-4);
});

test('a batch of prompts of different lengths gives the same tokens as one by one', () => {
  const { model, tokenizer } = createTinyRandomModel({ seed: 1 });
  const prompts = ['Hello', 'A much longer prompt here', 'é!'].map((text) => tokenizer.encode(text, { addBos: true }));
  const batched = generateBatch(model, tokenizer, prompts, { maxTokens: 12, stopAtEos: false });
  prompts.forEach((prompt, index) => {
    const alone = generate(model, tokenizer, prompt, { maxTokens: 12, stopAtEos: false });
    assert.deepEqual(batched[index].tokenIds, alone.tokenIds);
  });
});

test('every parameter gets a gradient from a language-model loss', () => {
  const model = createModel(smallConfig({ attentionBias: true, qkNorm: true }), { seed: 2, requiresGrad: true });
  const ids = Int32Array.from([1, 2, 3, 4, 5, 6]);
  const logits = model.forward(ids, { batch: 2, seqLen: 3 });
  crossEntropy(reshape(logits, [6, 37]), Int32Array.from([2, 3, 0, 5, 6, 0])).backward();
  for (const [name, parameter] of model.namedParameters()) assert.ok(parameter.grad, `${name} has a gradient`);
});
