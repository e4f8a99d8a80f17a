/**
 * Parity with an independent implementation: PyTorch from Debian (python3-torch), run through
 * torch-reference.py, which writes each op the way Hugging Face / Meta do (eager attention with repeat_kv and
 * an additive mask, rotate_half and complex-number RoPE, Llama-3 frequency scaling, F.cross_entropy, ...).
 * Outputs and input gradients are compared in float64. Skips with a message if /usr/bin/python3 has no torch.
 */
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  attention, crossEntropy, gelu, linear, logSoftmax, rmsNorm, rope, ropeFrequencies, ropeTable, silu, split, swiglu,
  Random, Tensor, type AttentionOptions,
} from '../index.ts';
import { assertClose } from '../test-helpers.ts';

const python = '/usr/bin/python3';
const script = join(dirname(fileURLToPath(import.meta.url)), 'torch-reference.py');
const hasTorch = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

interface Entry { data: number[]; shape: number[] }
interface Result { output: number[]; grads: (number[] | null)[] }

const random = new Random(50);
function entry(shape: number[], scale = 1): Entry {
  const size = shape.reduce((a, b) => a * b, 1);
  return { data: Array.from({ length: size }, () => scale * random.normal()), shape };
}
const leaf = (e: Entry): Tensor => new Tensor(Float64Array.from(e.data), e.shape, true);

/** Runs `forward` on float64 leaves, backpropagates `upstream` and compares with PyTorch's result. */
function compare(label: string, inputs: Entry[], forward: (...xs: Tensor[]) => Tensor, upstream: number[], expected: Result, tolerance: number): void {
  const leaves = inputs.map(leaf);
  const out = forward(...leaves);
  assertClose(out.values, expected.output, tolerance, `${label} output`);
  out.backward(new Tensor(Float64Array.from(upstream), out.shape));
  leaves.forEach((t, i) => assertClose(t.grad!.values, expected.grads[i]!, tolerance, `${label} grad ${i}`));
}

test('tensor ops match PyTorch (outputs and gradients, float64)', { skip: hasTorch ? false : `${python} cannot import torch (apt-get install python3-torch)` }, () => {
  const attentionCases: Record<string, [number[], AttentionOptions & Record<string, unknown>]> = {
    'attention:gqa-causal-window': [[2, 6, 6, 4, 2, 3], { window: 3 }],
    'attention:segments': [[1, 7, 7, 3, 1, 4], { segmentIds: [0, 0, 1, 1, 1, 2, 2] as unknown as Int32Array }],
    'attention:keymask-offset': [[2, 2, 5, 2, 2, 3], { offset: 3, keyMask: [0, 1, 1, 1, 1, 1, 1, 0, 1, 1] as unknown as Uint8Array }],
    'attention:non-causal': [[1, 3, 4, 2, 1, 5], { causal: false }],
  };
  const cases: Record<string, unknown> = {};
  for (const [name, [[B, T, S, Hq, Hkv, D], options]] of Object.entries(attentionCases)) {
    cases[name] = { q: entry([B, T, Hq, D]), k: entry([B, S, Hkv, D]), v: entry([B, S, Hkv, D]), options, upstream: entry([B * T * Hq * D]).data };
  }
  const ropePositions = [0, 3, 100, 1000, 4095];
  cases.rope = { x: entry([1, 5, 2, 16]), theta: 500000, positions: ropePositions, scaling: { factor: 8, low: 1, high: 4, context: 64 }, upstream: entry([160]).data };
  const targets = [3, -100, 0, 10, 10, 5, -100];
  cases.crossEntropy = { logits: entry([7, 11], 3), targets };
  cases.rmsNorm = { x: entry([3, 5, 13]), weight: entry([13]), eps: 1e-6, upstream: entry([195]).data };
  cases.pointwise = { x: entry([4, 10], 2), upstream: entry([40]).data, upstreamHalf: entry([20]).data };
  cases.linear = { x: entry([2, 3, 7]), weight: entry([5, 7]), bias: entry([5]), upstream: entry([30]).data };

  const folder = mkdtempSync(join(tmpdir(), 'sling-torch-parity-'));
  try {
    writeFileSync(join(folder, 'in.json'), JSON.stringify(cases));
    const run = spawnSync(python, [script, join(folder, 'in.json'), join(folder, 'out.json')], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`torch-reference.py failed: ${run.stderr}`);
    const results = JSON.parse(readFileSync(join(folder, 'out.json'), 'utf8'));

    for (const name of Object.keys(attentionCases)) {
      const c = cases[name] as { q: Entry; k: Entry; v: Entry; options: Record<string, unknown>; upstream: number[] };
      const options: AttentionOptions = { ...c.options };
      if (c.options.segmentIds) options.segmentIds = Int32Array.from(c.options.segmentIds as number[]);
      if (c.options.keyMask) options.keyMask = Uint8Array.from(c.options.keyMask as number[]);
      compare(name, [c.q, c.k, c.v], (q, k, v) => attention(q, k, v, options), c.upstream, results[name], 1e-10);
    }

    const r = cases.rope as { x: Entry; upstream: number[] };
    const frequencies = ropeFrequencies(16, 500000, { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 64 });
    assertClose(frequencies, results.rope.invFreq, 0, 'llama3 inverse frequencies (bit-exact float32)');
    const table = ropeTable(frequencies, 4096);
    const positions = Int32Array.from(ropePositions);
    for (const convention of ['half', 'interleaved'] as const) {
      // tables are float32 like Hugging Face's; float32 cos/sin may differ by an ulp between libraries
      compare(`rope ${convention}`, [r.x], (x) => rope(x, table, { convention, positions }), r.upstream, results.rope[convention], 1e-6);
    }

    const ce = cases.crossEntropy as { logits: Entry };
    compare('crossEntropy', [ce.logits], (z) => crossEntropy(z, Int32Array.from(targets)), [1], results.crossEntropy, 1e-10);
    const rms = cases.rmsNorm as { x: Entry; weight: Entry; upstream: number[] };
    compare('rmsNorm', [rms.x, rms.weight], (x, w) => rmsNorm(x, w, 1e-6), rms.upstream, results.rmsNorm, 1e-10);
    const p = cases.pointwise as { x: Entry; upstream: number[]; upstreamHalf: number[] };
    compare('silu', [p.x], silu, p.upstream, results.pointwise.silu, 1e-10);
    // erf is a 1.5e-7 approximation
    compare('gelu', [p.x], (x) => gelu(x), p.upstream, results.pointwise.gelu, 1e-6);
    compare('gelu tanh', [p.x], (x) => gelu(x, 'tanh'), p.upstream, results.pointwise.geluTanh, 1e-10);
    compare('logSoftmax', [p.x], (x) => logSoftmax(x), p.upstream, results.pointwise.logSoftmax, 1e-10);
    compare('swiglu', [p.x], (x) => swiglu(...(split(x, 2, -1) as [Tensor, Tensor])), p.upstreamHalf, results.pointwise.swiglu, 1e-10);
    const l = cases.linear as { x: Entry; weight: Entry; bias: Entry; upstream: number[] };
    compare('linear', [l.x, l.weight, l.bias], (x, w, b) => linear(x, w, b), l.upstream, results.linear, 1e-10);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
