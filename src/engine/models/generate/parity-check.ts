/**
 * @module engine/models/generate/parity-check
 * Test helper: greedy-decodes with our model and with llama.cpp from the same prompt and compares the token
 * sequences and, along llama.cpp's sequence, the next-token log-probabilities (log-softmax removes the
 * arbitrary constant in logits, so this is a logit comparison).
 */
import { noGrad } from '../../tensor/index.ts';
import { KvCache } from '../kv-cache.ts';
import type { Llama } from '../llama.ts';
import { referenceGreedy } from './llama-cpp-reference.ts';
import { argmax } from './sampling.ts';

export interface ParityReport {
  ours: number[];
  reference: number[];
  /** Largest |log p_ours − log p_llama.cpp| over tokens with p > 1e-6, all steps. */
  maxLogProbabilityDiff: number;
  /** Largest |logit| seen (for relative tolerances). */
  logitScale: number;
}

export async function compareWithLlamaCpp(model: Llama, ggufPath: string, prompt: number[], steps: number): Promise<ParityReport> {
  const { vocabSize, numLayers, numKvHeads, headDim } = model.config;
  const reference = await referenceGreedy(ggufPath, prompt, steps, vocabSize);
  const cache = new KvCache(numLayers, 1, prompt.length + steps, numKvHeads * headDim);
  let logits = noGrad(() => model.forward(Int32Array.from(prompt), { batch: 1, seqLen: prompt.length, kvCache: cache, lastTokenOnly: true })).values;
  const ours: number[] = [];
  let maxDiff = 0;
  let logitScale = 0;
  let diverged = false;
  for (let step = 0; step < steps; step++) {
    const row = Float32Array.from(logits);
    if (!diverged) {
      let top = -Infinity;
      for (const value of row) top = Math.max(top, value);
      let total = 0;
      for (const value of row) total += Math.exp(value - top);
      const logTotal = top + Math.log(total);
      for (let id = 0; id < vocabSize; id++) {
        logitScale = Math.max(logitScale, Math.abs(row[id]));
        const theirs = reference[step].logProbabilities[id];
        if (theirs > Math.log(1e-6)) maxDiff = Math.max(maxDiff, Math.abs(row[id] - logTotal - theirs));
      }
    }
    const token = argmax(row);
    ours.push(token);
    if (token !== reference[step].token) diverged = true;
    // Follow llama.cpp's sequence so log-probabilities stay comparable even after a divergence.
    logits = noGrad(() => model.forward(Int32Array.of(reference[step].token), { batch: 1, seqLen: 1, kvCache: cache })).values;
  }
  return { ours, reference: reference.map((step) => step.token), maxLogProbabilityDiff: maxDiff, logitScale };
}
