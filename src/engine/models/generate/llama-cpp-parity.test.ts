/**
 * Parity with llama.cpp (node-llama-cpp 3.21.1, CPU, one thread) on the real stories260K GGUF: the same
 * greedy tokens for 128 steps and the same next-token log-probabilities along the way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { stories260KDir, stories260KSkip as skip } from '../io/test-data.ts';
import { loadCheckpoint } from '../load-checkpoint.ts';
import { modelFromCheckpoint } from '../model-builders.ts';
import { generate } from './generate.ts';
import { compareWithLlamaCpp } from './parity-check.ts';
import { disposeLlamaCpp } from './llama-cpp-reference.ts';

test.after(disposeLlamaCpp);

test('stories260K.gguf: same 128 greedy tokens and log-probabilities as llama.cpp', { skip }, async (t) => {
  const path = join(stories260KDir, 'stories260K.gguf');
  const checkpoint = await loadCheckpoint(path);
  const model = modelFromCheckpoint(checkpoint);
  const report = await compareWithLlamaCpp(model, path, [checkpoint.tokenizer.bosId!], 128);
  assert.deepEqual(report.ours, report.reference);
  t.diagnostic(`max |Δ log p| over 128 steps: ${report.maxLogProbabilityDiff.toExponential(2)} (logit scale ${report.logitScale.toFixed(1)})`);
  assert.ok(report.maxLogProbabilityDiff < 1e-3, `max |Δ log p| = ${report.maxLogProbabilityDiff}`);
  // Our own generation loop (KV cache) gives the same greedy tokens as the step-by-step comparison.
  const generated = generate(model, checkpoint.tokenizer, [checkpoint.tokenizer.bosId!], { maxTokens: 128, stopAtEos: false });
  assert.deepEqual(generated.tokenIds, report.ours);
});
