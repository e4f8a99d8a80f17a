/**
 * Benchmark: prefill and decode tokens/s of Sling against llama.cpp (node-llama-cpp) on the same GGUF files in
 * the same run: the real stories260K and a ~64M-parameter random Llama in F32 that this script writes with
 * io's GGUF writer. llama.cpp runs with 1 thread on stories260K and with 1 and 2 threads on the 64M model.
 * Runs are interleaved (Sling, llama.cpp 1 thread, llama.cpp 2 threads, repeat) and the best of each is kept,
 * so load from other processes hits both engines alike. Decode speed is reported per wall-clock second and
 * per CPU second. Last line: {"bench":"generate", "ours": Sling decode tok/s on 64M, "peer": the faster
 * llama.cpp configuration, "ratio", ...}.
 *
 * Usage: npm run bench -- generate [--decode N] [--prompt N] [--repeats N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend } from '../src/engine/backend/select.ts';
import type { LlamaConfig } from '../src/engine/models/config.ts';
import { generate } from '../src/engine/models/generate/generate.ts';
import { writeGgufCheckpoint } from '../src/engine/models/io/gguf-export.ts';
import type { Llama } from '../src/engine/models/llama.ts';
import { loadCheckpoint } from '../src/engine/models/load-checkpoint.ts';
import { checkpointFromModel } from '../src/engine/models/model-checkpoint.ts';
import { createModel, modelFromCheckpoint } from '../src/engine/models/model-builders.ts';
import type { Tokenizer } from '../src/engine/models/tokenizer/tokenizer.ts';
import { bestOf, cpuMs, LlamaCppPeer, type GenerateSpeed } from './peers/llama-cpp-generate.ts';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const decodeTokens = argument('decode', 64);
const promptTokens = argument('prompt', 64);
const repeats = argument('repeats', 3);
const storiesPath = fileURLToPath(new URL('../../shared/data/stories260K/stories260K.gguf', import.meta.url));

/** ~64M parameters in F32: C 768, 10 layers, 12 query / 4 kv heads, F 2048, V 512 (tok512). */
const benchConfig: LlamaConfig = {
  architecture: 'llama', vocabSize: 512, hiddenSize: 768, intermediateSize: 2048, numLayers: 10, numHeads: 12, numKvHeads: 4,
  headDim: 64, maxPositionEmbeddings: 2048, rmsNormEps: 1e-5, ropeTheta: 10000, ropeConvention: 'half', tieWordEmbeddings: false,
  attentionBias: false, qkNorm: false, bosTokenId: 1, eosTokenIds: [2],
};

function slingRun(model: Llama, tokenizer: Tokenizer, prompt: number[]): GenerateSpeed {
  let cpuAtFirstToken = 0;
  let tokens = 0;
  const result = generate(model, tokenizer, prompt, {
    maxTokens: decodeTokens + 1,
    stopAtEos: false,
    // The first token is sampled right after prefill; CPU time of decode starts there.
    onText: () => { if (tokens++ === 0) cpuAtFirstToken = cpuMs(); },
  });
  const decodeCpuMs = cpuMs() - cpuAtFirstToken;
  return {
    prefillTokensPerSecond: (prompt.length * 1000) / result.prefillMs,
    decodeTokensPerSecond: ((result.tokenIds.length - 1) * 1000) / result.decodeMs,
    decodeTokensPerCpuSecond: tokens > 0 ? ((result.tokenIds.length - 1) * 1000) / decodeCpuMs : NaN,
  };
}

/** Interleaved runs of Sling and llama.cpp at each thread count on one GGUF file; one warm-up each, then the best of `repeats`. */
async function compare(path: string, prompt: number[], threadCounts: number[]): Promise<{ sling: GenerateSpeed; llamaCpp: Map<number, GenerateSpeed> }> {
  const checkpoint = await loadCheckpoint(path);
  const model = modelFromCheckpoint(checkpoint);
  const peer = await LlamaCppPeer.open(path);
  const ours: GenerateSpeed[] = [];
  const theirs = new Map(threadCounts.map((threads) => [threads, [] as GenerateSpeed[]]));
  try {
    for (let run = 0; run <= repeats; run++) {
      const speed = slingRun(model, checkpoint.tokenizer, prompt);
      if (run > 0) ours.push(speed);
      for (const threads of threadCounts) {
        const peerSpeed = await peer.run(prompt, decodeTokens, threads);
        if (run > 0) theirs.get(threads)!.push(peerSpeed);
      }
    }
  } finally {
    await peer.dispose();
  }
  return { sling: bestOf(ours), llamaCpp: new Map([...theirs].map(([threads, speeds]) => [threads, bestOf(speeds)])) };
}

/** A prompt of exactly `length` ids: BOS then ordinary tok512 pieces (ids 259..511). */
function benchPrompt(length: number): number[] {
  return [1, ...Array.from({ length: length - 1 }, (_, index) => 259 + ((index * 37) % 253))];
}

const backend = getBackend().description;
const folder = mkdtempSync(join(tmpdir(), 'sling-bench-generate-'));
const rows: { model: string; engine: string; threads: string; speed: GenerateSpeed }[] = [];
const prompt = benchPrompt(promptTokens);
let bigName = '';
try {
  const small = await compare(storiesPath, prompt, [1]);
  rows.push({ model: 'stories260K', engine: 'sling', threads: backend, speed: small.sling });
  rows.push({ model: 'stories260K', engine: 'llama.cpp', threads: '1', speed: small.llamaCpp.get(1)! });

  const tokenizer = (await loadCheckpoint(storiesPath)).tokenizer;
  const model = createModel(benchConfig, { seed: 1 });
  const parameters = model.namedParameters().reduce((total, [, tensor]) => total + tensor.size, 0);
  const randomPath = join(folder, 'random-64m-f32.gguf');
  writeGgufCheckpoint(randomPath, checkpointFromModel(model, tokenizer), { dtype: 'f32' });
  bigName = `random ${(parameters / 1e6).toFixed(1)}M F32`;
  const big = await compare(randomPath, prompt, [1, 2]);
  rows.push({ model: bigName, engine: 'sling', threads: backend, speed: big.sling });
  for (const [threads, speed] of big.llamaCpp) rows.push({ model: bigName, engine: 'llama.cpp', threads: String(threads), speed });
} finally {
  await LlamaCppPeer.disposeAll();
  rmSync(folder, { recursive: true, force: true });
}

console.log(`prompt ${promptTokens} tokens, ${decodeTokens} greedy decode tokens; interleaved runs, best of ${repeats} after a warm-up`);
const header = ['model'.padEnd(18), 'engine'.padEnd(10), 'threads / backend'.padEnd(68), 'prefill tok/s'.padStart(14), 'decode tok/s'.padStart(13), 'decode tok/CPU-s'.padStart(17)];
console.log(header.join(' '));
for (const { model, engine, threads, speed } of rows) {
  console.log([model.padEnd(18), engine.padEnd(10), threads.padEnd(68), fixed(speed.prefillTokensPerSecond).padStart(14), fixed(speed.decodeTokensPerSecond).padStart(13), fixed(speed.decodeTokensPerCpuSecond).padStart(17)].join(' '));
}
const big = rows.filter((row) => row.model === bigName);
const ours = big.find((row) => row.engine === 'sling')!.speed;
const peers = big.filter((row) => row.engine === 'llama.cpp');
const fastest = peers.reduce((best, row) => (row.speed.decodeTokensPerSecond > best.speed.decodeTokensPerSecond ? row : best));
const [storiesOurs, storiesPeer] = rows.filter((row) => row.model === 'stories260K').map((row) => row.speed);
console.log(`faster llama.cpp setting on the 64M model: ${fastest.threads} thread(s)`);
console.log(JSON.stringify({
  bench: 'generate',
  ours: round(ours.decodeTokensPerSecond),
  peer: round(fastest.speed.decodeTokensPerSecond),
  unit: 'decode tokens/s (64M F32, wall clock)',
  ratio: round(ours.decodeTokensPerSecond / fastest.speed.decodeTokensPerSecond, 3),
  peerThreads: Number(fastest.threads),
  llamaCppDecode: Object.fromEntries(peers.map((row) => [`threads${row.threads}`, round(row.speed.decodeTokensPerSecond)])),
  cpuTimeRatio: round(ours.decodeTokensPerCpuSecond / fastest.speed.decodeTokensPerCpuSecond, 3),
  prefillRatio: round(ours.prefillTokensPerSecond / Math.max(...peers.map((row) => row.speed.prefillTokensPerSecond)), 3),
  stories260KDecodeRatio: round(storiesOurs.decodeTokensPerSecond / storiesPeer.decodeTokensPerSecond, 3),
}));

function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '-';
}

function round(value: number, digits = 1): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
