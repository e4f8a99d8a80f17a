/**
 * Benchmark: prefill and decode tokens/s of Sling against llama.cpp (node-llama-cpp) on the same GGUF files in
 * the same run: the real stories260K and a ~64M-parameter random Llama in F32 that this script writes with
 * io's GGUF writer. llama.cpp runs with 1 thread on stories260K and with 1 and 2 threads on the 64M model.
 * Last line: {"bench":"generate", "ours": Sling decode tok/s on 64M, "peer": the faster llama.cpp, "ratio", ...}.
 *
 * Usage: npm run bench -- generate [--decode N] [--prompt N] [--repeats N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend } from '../src/engine/backend/select.ts';
import { generate } from '../src/engine/models/generate/generate.ts';
import { writeGgufCheckpoint } from '../src/engine/models/io/gguf-export.ts';
import { loadCheckpoint } from '../src/engine/models/load-checkpoint.ts';
import { checkpointFromModel } from '../src/engine/models/model-checkpoint.ts';
import { createModel, modelFromCheckpoint } from '../src/engine/models/model-builders.ts';
import type { LlamaConfig } from '../src/engine/models/config.ts';
import { disposeLlamaCpp, llamaCppGenerateSpeed, type GenerateSpeed } from './peers/llama-cpp-generate.ts';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const decodeTokens = argument('decode', 64);
const promptTokens = argument('prompt', 64);
const repeats = argument('repeats', 2);
const storiesPath = fileURLToPath(new URL('../../shared/data/stories260K/stories260K.gguf', import.meta.url));

/** ~64M parameters in F32: C 768, 10 layers, 12 query / 4 kv heads, F 2048, V 512 (tok512). */
const benchConfig: LlamaConfig = {
  architecture: 'llama', vocabSize: 512, hiddenSize: 768, intermediateSize: 2048, numLayers: 10, numHeads: 12, numKvHeads: 4,
  headDim: 64, maxPositionEmbeddings: 2048, rmsNormEps: 1e-5, ropeTheta: 10000, ropeConvention: 'half', tieWordEmbeddings: false,
  attentionBias: false, qkNorm: false, bosTokenId: 1, eosTokenIds: [2],
};

async function slingSpeed(path: string, prompt: number[]): Promise<GenerateSpeed> {
  const checkpoint = await loadCheckpoint(path);
  const model = modelFromCheckpoint(checkpoint);
  const best: GenerateSpeed = { prefillTokensPerSecond: 0, decodeTokensPerSecond: 0, decodedTokens: 0 };
  for (let run = 0; run <= repeats; run++) {
    const result = generate(model, checkpoint.tokenizer, prompt, { maxTokens: decodeTokens + 1, stopAtEos: false });
    if (run === 0) continue;
    best.prefillTokensPerSecond = Math.max(best.prefillTokensPerSecond, (prompt.length * 1000) / result.prefillMs);
    best.decodeTokensPerSecond = Math.max(best.decodeTokensPerSecond, ((result.tokenIds.length - 1) * 1000) / result.decodeMs);
    best.decodedTokens = result.tokenIds.length - 1;
  }
  return best;
}

/** A prompt of exactly `length` ids: BOS then tokens cycling through the vocabulary's ordinary pieces. */
function benchPrompt(length: number): number[] {
  return [1, ...Array.from({ length: length - 1 }, (_, index) => 259 + ((index * 37) % 253))];
}

const folder = mkdtempSync(join(tmpdir(), 'sling-bench-generate-'));
const rows: { model: string; engine: string; threads: string; speed: GenerateSpeed }[] = [];
try {
  const prompt = benchPrompt(promptTokens);
  const backend = getBackend();
  rows.push({ model: 'stories260K', engine: 'sling', threads: backend.description, speed: await slingSpeed(storiesPath, prompt) });
  rows.push({ model: 'stories260K', engine: 'llama.cpp', threads: '1', speed: await llamaCppGenerateSpeed(storiesPath, prompt, decodeTokens, 1, repeats) });

  const tokenizer = (await loadCheckpoint(storiesPath)).tokenizer;
  const model = createModel(benchConfig, { seed: 1 });
  const parameters = model.namedParameters().reduce((total, [, tensor]) => total + tensor.size, 0);
  const randomPath = join(folder, 'random-64m-f32.gguf');
  writeGgufCheckpoint(randomPath, checkpointFromModel(model, tokenizer), { dtype: 'f32' });
  const name = `random ${(parameters / 1e6).toFixed(0)}M F32`;
  rows.push({ model: name, engine: 'sling', threads: backend.description, speed: await slingSpeed(randomPath, prompt) });
  for (const threads of [1, 2]) {
    rows.push({ model: name, engine: 'llama.cpp', threads: String(threads), speed: await llamaCppGenerateSpeed(randomPath, prompt, decodeTokens, threads, repeats) });
  }
} finally {
  await disposeLlamaCpp();
  rmSync(folder, { recursive: true, force: true });
}

console.log(`prompt ${promptTokens} tokens, ${decodeTokens} greedy decode tokens, best of ${repeats} runs after a warm-up`);
console.log(['model'.padEnd(16), 'engine'.padEnd(10), 'threads / backend'.padEnd(46), 'prefill tok/s'.padStart(14), 'decode tok/s'.padStart(13)].join(' '));
for (const row of rows) {
  console.log([row.model.padEnd(16), row.engine.padEnd(10), row.threads.padEnd(46), row.speed.prefillTokensPerSecond.toFixed(1).padStart(14), row.speed.decodeTokensPerSecond.toFixed(1).padStart(13)].join(' '));
}
const big = rows.filter((row) => row.model.startsWith('random'));
const ours = big.find((row) => row.engine === 'sling')!.speed;
const peers = big.filter((row) => row.engine === 'llama.cpp');
const fastest = peers.reduce((best, row) => (row.speed.decodeTokensPerSecond > best.speed.decodeTokensPerSecond ? row : best));
const small = rows.filter((row) => row.model === 'stories260K');
console.log(JSON.stringify({
  bench: 'generate',
  ours: round(ours.decodeTokensPerSecond),
  peer: round(fastest.speed.decodeTokensPerSecond),
  unit: 'decode tokens/s (64M F32)',
  ratio: round(ours.decodeTokensPerSecond / fastest.speed.decodeTokensPerSecond, 3),
  peerThreads: Number(fastest.threads),
  llamaCppDecode: Object.fromEntries(peers.map((row) => [`threads${row.threads}`, round(row.speed.decodeTokensPerSecond)])),
  prefillRatio: round(ours.prefillTokensPerSecond / Math.max(...peers.map((row) => row.speed.prefillTokensPerSecond)), 3),
  stories260KDecodeRatio: round(small[0].speed.decodeTokensPerSecond / small[1].speed.decodeTokensPerSecond, 3),
}));

function round(value: number, digits = 1): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
