/**
 * Non-GEMM hot ops of a training step: `npm run bench -- tensor-ops [--repeats N] [--no-peer]`. Each op runs
 * forward + backward at the reference training shape (batch 4 × 256 tokens, dim 512, 8 heads, FFN 1376,
 * vocab 32000); median wall time over the repeats. Peer in the same run: the same ops in plain PyTorch
 * (bench/peers/torch_tensor_ops.py, Debian python3-torch, 2 threads). Last line: {"bench":"tensor-ops",
 * "ours": Σ our medians (ms), "peer": Σ PyTorch medians (ms), "unit":"ms", "ratio": ours/peer, "ops": {...}}.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  attention, crossEntropy, linearCrossEntropy, normal, ones, Random, rmsNorm, rope, ropeFrequencies, ropeTable, swiglu, Tensor,
} from '../src/engine/tensor/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repeatsFlag = process.argv.indexOf('--repeats');
const repeats = repeatsFlag > 0 ? Number(process.argv[repeatsFlag + 1]) : 5;
const shape = { batch: 4, tokens: 256, dim: 512, heads: 8, ffn: 1376, vocab: 32000 };
const { batch: B, tokens: T, dim: C, heads: H, ffn: F, vocab: V } = shape;
const D = C / H;
const random = new Random(0);
const leaf = (dims: number[], std = 1): Tensor => normal(dims, random, 0, std, { requiresGrad: true });

const x = leaf([B, T, C]);
const weight = ones([C], { requiresGrad: true });
const [gate, up] = [leaf([B, T, F]), leaf([B, T, F])];
const [q, k, v] = [leaf([B, T, H, D]), leaf([B, T, H, D]), leaf([B, T, H, D])];
const logits = leaf([B * T, V]);
const [hidden, head] = [leaf([B * T, C]), leaf([V, C], 0.02)];
const targets = new Int32Array(B * T).map(() => random.nextInt(V));
const table = ropeTable(ropeFrequencies(D, 10000), T);

const ops: Record<string, () => Tensor> = {
  rmsNorm: () => rmsNorm(x, weight, 1e-5),
  swiglu: () => swiglu(gate, up),
  rope: () => rope(q, table, { convention: 'half' }),
  attention: () => attention(q, k, v),
  crossEntropy: () => crossEntropy(logits, targets),
  'linear+crossEntropy': () => linearCrossEntropy(hidden, head, targets),
};

function run(op: () => Tensor): void {
  const out = op();
  out.backward(out.size === 1 ? undefined : new Tensor(new Float32Array(out.size).fill(1), out.shape));
  for (const t of [x, weight, gate, up, q, k, v, logits, hidden, head]) t.zeroGrad();
}

const ours: Record<string, number> = {};
for (const [name, op] of Object.entries(ops)) {
  run(op);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run(op);
    times.push(performance.now() - start);
  }
  ours[name] = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

let peer: Record<string, number> | null = null;
let peerNote = '';
if (!process.argv.includes('--no-peer')) {
  const result = spawnSync('/usr/bin/python3', [join(here, 'peers/torch_tensor_ops.py'), JSON.stringify({ ...shape, repeats, threads: 2 })], { encoding: 'utf8' });
  if (result.status === 0) peer = JSON.parse(result.stdout.trim().split('\n').pop()!);
  else peerNote = `peer failed: ${(result.stderr || result.error?.message || '').trim().split('\n').pop()}`;
}

console.log(`tensor-ops: forward+backward, median of ${repeats}, B×T ${B}×${T}, C ${C}, H ${H}, F ${F}, V ${V}; load average ${loadavg()[0].toFixed(1)}`);
console.log('op'.padEnd(22), 'ours ms'.padStart(10), 'torch ms'.padStart(10), 'ratio'.padStart(8));
for (const name of Object.keys(ops)) {
  const theirs = peer?.[name];
  console.log(name.padEnd(22), ours[name].toFixed(1).padStart(10), (theirs?.toFixed(1) ?? '-').padStart(10), (theirs ? (ours[name] / theirs).toFixed(2) : '-').padStart(8));
}
if (peerNote) console.log(peerNote);
const sum = (values: Record<string, number>): number => Object.values(values).reduce((a, b) => a + b, 0);
const oursTotal = sum(ours);
const peerTotal = peer ? sum(peer) : null;
console.log(JSON.stringify({
  bench: 'tensor-ops', ours: Number(oursTotal.toFixed(1)), peer: peerTotal === null ? null : Number(peerTotal.toFixed(1)), unit: 'ms',
  ratio: peerTotal ? Number((oursTotal / peerTotal).toFixed(3)) : null, ops: { ours, peer }, loadAverage: loadavg()[0],
}));
