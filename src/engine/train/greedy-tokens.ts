/**
 * @module engine/train/greedy-tokens
 * Plain greedy continuation (full forward pass each step, no KV cache): a small, obviously-correct decoder used
 * to check adapters against llama.cpp and to score the quality benchmark without depending on the generator.
 */
import type { Llama } from '../models/llama.ts';
import { noGrad } from '../tensor/index.ts';

/** Stops after a token in `stopIds` or one for which `stopAfter` is true (both included in the output). */
export function greedyTokens(model: Llama, prompt: number[], steps: number, stopIds: number[] = [], stopAfter?: (id: number) => boolean): number[] {
  const ids = [...prompt];
  const out: number[] = [];
  noGrad(() => {
    for (let step = 0; step < steps; step++) {
      const logits = model.forward(Int32Array.from(ids), { batch: 1, seqLen: ids.length, lastTokenOnly: true }).values;
      let best = 0;
      for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
      out.push(best);
      if (stopIds.includes(best) || stopAfter?.(best)) break;
      ids.push(best);
    }
  });
  return out;
}
