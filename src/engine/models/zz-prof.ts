import { createModel } from './model-builders.ts';
import { generate } from './generate/generate.ts';
import { ByteTokenizer } from './byte-tokenizer.ts';
import { getBackend } from '../backend/select.ts';
const model = createModel({
  architecture: 'llama', vocabSize: 512, hiddenSize: 768, intermediateSize: 2048, numLayers: 10, numHeads: 12, numKvHeads: 4,
  headDim: 64, maxPositionEmbeddings: 2048, rmsNormEps: 1e-5, ropeTheta: 10000, ropeConvention: 'half', tieWordEmbeddings: false,
  attentionBias: false, qkNorm: false, bosTokenId: 1, eosTokenIds: [2] }, { seed: 1 });
const prompt = Array.from({ length: 64 }, (_, i) => (i * 37) % 512);
for (let run = 0; run < 3; run++) {
  const r = generate(model, new ByteTokenizer(), prompt, { maxTokens: 40, stopAtEos: false });
  console.log(getBackend().description, 'decode', ((r.tokenIds.length - 1) / r.decodeMs * 1000).toFixed(1), 'tok/s', 'prefill', (64 / r.prefillMs * 1000).toFixed(1));
}
import { setBackend } from '../backend/select.ts';
const inner = getBackend();
let gemvMs = 0, gemmMs = 0, calls = 0;
setBackend({ ...inner, gemm(a, b, c, args) { const t = performance.now(); inner.gemm(a, b, c, args); const d = performance.now() - t; if (args.m <= 8 && args.transB && (args.batch ?? 1) === 1) gemvMs += d; else gemmMs += d; calls++; } });
const r = generate(model, new ByteTokenizer(), prompt, { maxTokens: 40, stopAtEos: false });
console.log('decodeMs', r.decodeMs.toFixed(0), 'gemv', gemvMs.toFixed(0), 'other gemm', gemmMs.toFixed(0), 'calls', calls);
