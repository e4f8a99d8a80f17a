/**
 * Parity with llama.cpp on a randomly initialised ~20M-parameter Llama that we write to GGUF ourselves (io's
 * writer, tok512 vocabulary): this checks the GGUF writer and our forward pass together. Both RoPE layouts:
 * a 'half' (Hugging Face) model gets its q/k rows permuted by the writer; an 'interleaved' one does not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../../tensor/index.ts';
import type { LlamaConfig } from '../config.ts';
import { writeGgufCheckpoint } from '../io/gguf-export.ts';
import { stories260KDir, stories260KSkip as skip } from '../io/test-data.ts';
import { checkpointFromModel } from '../model-checkpoint.ts';
import { createModel } from '../model-builders.ts';
import { readLlama2cTokenizer } from '../tokenizer/llama2c-tokenizer.ts';
import { disposeLlamaCpp } from './llama-cpp-reference.ts';
import { compareWithLlamaCpp } from './parity-check.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-parity-'));
test.after(async () => {
  await disposeLlamaCpp();
  rmSync(folder, { recursive: true, force: true });
});

/** ~20M parameters: C 512, 6 layers, 8 query / 4 kv heads, F 1376, V 512. */
export function parityConfig(ropeConvention: 'half' | 'interleaved'): LlamaConfig {
  return {
    architecture: 'llama', vocabSize: 512, hiddenSize: 512, intermediateSize: 1376, numLayers: 6, numHeads: 8, numKvHeads: 4,
    headDim: 64, maxPositionEmbeddings: 1024, rmsNormEps: 1e-5, ropeTheta: 10000, ropeConvention, tieWordEmbeddings: false,
    attentionBias: false, qkNorm: false, bosTokenId: 1, eosTokenIds: [2],
  };
}

for (const convention of ['half', 'interleaved'] as const) {
  test(`random 20M Llama (${convention} RoPE) written to GGUF: same greedy tokens and logits as llama.cpp`, { skip }, async (t) => {
    const tokenizer = readLlama2cTokenizer(join(stories260KDir, 'tok512.bin'), 512);
    const model = createModel(parityConfig(convention), { seed: 42 });
    // Wider weights than the 0.02 default so the next-token distribution is far from uniform (no near-ties).
    const random = new Random(7);
    for (const [name, parameter] of model.namedParameters()) {
      if (parameter.ndim === 2) random.fillNormal(parameter.data as Float32Array, 0, name.includes('embed') || name.includes('lm_head') ? 0.25 : 0.06);
      else random.fillNormal(parameter.data as Float32Array, 1, 0.1);
    }
    const count = model.namedParameters().reduce((total, [, parameter]) => total + parameter.size, 0);
    const path = join(folder, `random-${convention}.gguf`);
    writeGgufCheckpoint(path, checkpointFromModel(model, tokenizer), { dtype: 'f32' });
    const prompt = [1, ...tokenizer.encode('Once upon a time')];
    const report = await compareWithLlamaCpp(model, path, prompt, 128);
    t.diagnostic(`${(count / 1e6).toFixed(1)}M parameters; max |Δ log p| ${report.maxLogProbabilityDiff.toExponential(2)} at logit scale ${report.logitScale.toFixed(1)}`);
    assert.deepEqual(report.ours, report.reference);
    assert.ok(report.maxLogProbabilityDiff < 1e-3 * Math.max(1, report.logitScale), `max |Δ log p| = ${report.maxLogProbabilityDiff}`);
  });
}
