/**
 * GEMM throughput of every backend against PyTorch on the same machine, in the same run.
 * `npm run bench -- gemm [--quick] [--budget SECONDS] [--threads N]`: GFLOP/s (best of several runs, as for the peer) for FP32 and bf16 at 512³,
 * 1024³, 2048³ and the two matmuls of a Llama MLP layer (1024 tokens, 512 -> 1376 and 1376 -> 512, weights
 * stored [out, in] as nn.Linear does, so transB). Then a sweep of small square sizes with one thread vs all
 * threads, which is how the FLOP thresholds below which one thread runs (native/src/addon.cc, wasm.ts) were
 * chosen. Last line: {"bench":"gemm","ours": native FP32 @1024³, "peer": torch FP32 @1024³, ...}.
 * Peer: bench/peers/torch_gemm.py with Debian's /usr/bin/python3 (python3-torch + libopenblas0-openmp).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend, GemmArgs } from '../src/engine/backend/backend.ts';
import { f32ArrayToBf16 } from '../src/engine/backend/bf16.ts';
import { randomArray } from '../src/engine/backend/conformance.ts';
import { loadNativeAddon } from '../src/engine/backend/native-addon.ts';
import { createNativeBackend } from '../src/engine/backend/native.ts';
import { referenceBackend } from '../src/engine/backend/reference.ts';
import { createWasmBackend } from '../src/engine/backend/wasm.ts';

interface Shape {
  name: string;
  m: number;
  n: number;
  k: number;
  transB: boolean;
}

const quick = process.argv.includes('--quick');
// Seconds of repeated runs per measurement (best run counts, same for the peer): on a shared machine a longer
// budget gives both sides the same chance to hit a quiet moment.
const budgetIndex = process.argv.indexOf('--budget');
const budget = budgetIndex > 0 ? Number(process.argv[budgetIndex + 1]) : 1;
// --threads N: both sides on N threads (default 2, the machine's cores). One thread is less sensitive to
// other load on a shared machine. Must be set before the addon and wasm pools start.
const threadsIndex = process.argv.indexOf('--threads');
const threads = threadsIndex > 0 ? Number(process.argv[threadsIndex + 1]) : 2;
process.env.SLING_THREADS = String(threads);
const shapes: Shape[] = [
  { name: '512', m: 512, n: 512, k: 512, transB: false },
  { name: '1024', m: 1024, n: 1024, k: 1024, transB: false },
  ...(quick ? [] : [{ name: '2048', m: 2048, n: 2048, k: 2048, transB: false }]),
  { name: 'llama_up', m: 1024, n: 1376, k: 512, transB: true },
  { name: 'llama_down', m: 1024, n: 512, k: 1376, transB: true },
];

/** Best time of at least 3 runs (and up to `budgetSeconds` of runs) after one warm-up, in GFLOP/s. */
function measure(run: () => void, flops: number, budgetSeconds = budget): number {
  run();
  let best = Infinity;
  const started = performance.now();
  for (let repeat = 0; repeat < 3 || (performance.now() - started < budgetSeconds * 1000 && repeat < 200); repeat++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return flops / (best / 1000) / 1e9;
}

function gemmRunner(backend: Backend, shape: Shape, precision: 'fp32' | 'bf16'): () => void {
  const a = randomArray(shape.m * shape.k, 1);
  const bF32 = randomArray(shape.k * shape.n, 2);
  const bBits = f32ArrayToBf16(bF32);
  const c = new Float32Array(shape.m * shape.n);
  const args: GemmArgs = { m: shape.m, n: shape.n, k: shape.k, transB: shape.transB };
  return precision === 'fp32' ? () => backend.gemm(a, bF32, c, args) : () => backend.gemmBf16(a, bBits, c, args);
}

const results: Record<string, number> = {};
const table: string[][] = [];
const round = (value: number) => Math.round(value * 10) / 10;

const { addon, reason } = loadNativeAddon();
const native = addon ? createNativeBackend(addon) : undefined;
if (!native) console.log(`native: skipped (${reason})`);
const wasm = createWasmBackend();
const backends: Array<[string, Backend]> = [...(native ? [['native', native] as [string, Backend]] : []), ['wasm', wasm]];

// *** peer: PyTorch, same shapes, 2 threads, run right after ours for each shape (the machine is shared, so
// load changes over a run; interleaving keeps each comparison fair) ***
const here = dirname(fileURLToPath(import.meta.url));
const peerEnvironment: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
// Old-OpenBLAS workarounds from the machine docs would pin a slower code path; unset for the peer only.
delete peerEnvironment.OPENBLAS_CORETYPE;
delete peerEnvironment.OPENBLAS_L2_SIZE;
// Prefer the OpenMP OpenBLAS (what torch is tuned with) over whichever libblas.so.3 alternative is active.
const openmp = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
if (existsSync(`${openmp}/libblas.so.3`)) {
  peerEnvironment.LD_LIBRARY_PATH = [openmp, peerEnvironment.LD_LIBRARY_PATH].filter(Boolean).join(':');
}
let peerNote = existsSync('/usr/bin/python3') ? '' : 'peer skipped: /usr/bin/python3 missing (apt-get install python3-torch libopenblas0-openmp)';

function runPeer(shape: Shape): void {
  if (peerNote.startsWith('peer')) return;
  const specs = (['fp32', 'bf16'] as const).map((dtype) => ({ ...shape, name: `torch_${dtype}_${shape.name}`, dtype }));
  const peer = spawnSync('/usr/bin/python3', [join(here, 'peers/torch_gemm.py'), JSON.stringify(specs), String(budget), String(threads)], {
    encoding: 'utf8',
    env: peerEnvironment,
  });
  if (peer.status !== 0) {
    peerNote = `peer failed: ${peer.stderr.trim().split('\n').pop()}`;
    return;
  }
  const output = JSON.parse(peer.stdout.trim().split('\n').pop()!) as { results: Record<string, number>; blas: string[]; torch: string };
  for (const [name, value] of Object.entries(output.results)) results[name] = round(value);
  peerNote = `torch ${output.torch}, ${threads} thread(s), ${output.blas.find((path) => path.includes('libopenblas')) ?? output.blas.join(',')}`;
}

for (const shape of shapes) {
  const flops = 2 * shape.m * shape.n * shape.k;
  for (const precision of ['fp32', 'bf16'] as const) {
    for (const [name, backend] of backends) {
      results[`${name}_${precision}_${shape.name}`] = round(measure(gemmRunner(backend, shape, precision), flops));
    }
  }
  runPeer(shape);
}
const small: Shape = { name: '256', m: 256, n: 256, k: 256, transB: false };
results.reference_fp32_256 = Number(measure(gemmRunner(referenceBackend, small, 'fp32'), 2 * 256 ** 3, 0).toFixed(3));

console.log(`GEMM GFLOP/s, best of >=3 runs (${native?.description ?? 'no native'}; ${wasm.description}; ${peerNote})`);
const columns = ['shape', ...backends.flatMap(([name]) => [`${name} fp32`, `${name} bf16`]), 'torch fp32', 'torch bf16'];
for (const shape of shapes) {
  const row = [`${shape.m}x${shape.n}x${shape.k}${shape.transB ? ' (Bᵀ)' : ''}`];
  for (const [name] of backends) row.push(String(results[`${name}_fp32_${shape.name}`]), String(results[`${name}_bf16_${shape.name}`]));
  row.push(String(results[`torch_fp32_${shape.name}`] ?? '-'), String(results[`torch_bf16_${shape.name}`] ?? '-'));
  table.push(row);
}
const widths = columns.map((column, index) => Math.max(column.length, ...table.map((row) => row[index].length)));
const line = (cells: string[]) => cells.map((cell, index) => cell.padStart(widths[index])).join('  ');
console.log(line(columns));
for (const row of table) console.log(line(row));
console.log(`reference (plain TypeScript) fp32 256³: ${results.reference_fp32_256} GFLOP/s`);

// *** thread threshold sweep: one thread vs all threads at small sizes ***
if (threads > 1) console.log('\nthread threshold sweep (square n³, GFLOP/s, 1 thread vs all threads; crossover = first n where all threads win):');
const sweep = [16, 24, 32, 48, 64, 96, 128, 192, 256];
for (const [name, backend] of threads > 1 ? backends : []) {
  const cells: string[] = [];
  let crossover: number | undefined;
  for (const n of sweep) {
    const shape = { name: String(n), m: n, n, k: n, transB: false };
    const flops = 2 * n ** 3;
    const setThreshold = (value: number) => (name === 'native' ? addon!.configure({ threshold: value }) : ((wasm as { threshold: number }).threshold = value));
    const before = name === 'native' ? addon!.info().threshold : wasm.threshold;
    setThreshold(Infinity);
    const one = measure(gemmRunner(backend, shape, 'fp32'), flops, 0.2);
    setThreshold(0);
    const all = measure(gemmRunner(backend, shape, 'fp32'), flops, 0.2);
    setThreshold(before);
    if (crossover === undefined && all > one * 1.05) crossover = n;
    cells.push(`${n}: ${round(one)}/${round(all)}`);
  }
  results[`${name}_thread_crossover_n`] = crossover ?? -1;
  console.log(`${name.padEnd(7)} ${cells.join('  ')}  -> crossover n=${crossover ?? 'none'} (${crossover ? (2 * crossover ** 3).toExponential(1) : '-'} FLOPs)`);
}
await wasm.close();

const ours = results.native_fp32_1024 ?? results.wasm_fp32_1024;
const peer = results.torch_fp32_1024;
const ratio = (x?: number, y?: number) => (x && y ? Math.round((x / y) * 1000) / 1000 : null);
const summary = {
  bench: 'gemm',
  threads,
  ours,
  peer: peer ?? null,
  unit: 'GFLOP/s',
  ratio: ratio(ours, peer),
  ratio_bf16_1024: ratio(results.native_bf16_1024, results.torch_bf16_1024),
  ratio_fp32_2048: ratio(results.native_fp32_2048, results.torch_fp32_2048),
  ratio_fp32_llama_up: ratio(results.native_fp32_llama_up, results.torch_fp32_llama_up),
  ratio_fp32_llama_down: ratio(results.native_fp32_llama_down, results.torch_fp32_llama_down),
  load_average: loadavg().map((value) => Math.round(value * 100) / 100),
  ...results,
};
console.log(JSON.stringify(summary));
