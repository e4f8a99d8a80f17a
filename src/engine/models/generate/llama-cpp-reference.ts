/**
 * @module engine/models/generate/llama-cpp-reference
 * Test helper: runs a GGUF file in llama.cpp (node-llama-cpp, CPU, one thread) and returns, step by step from
 * a prompt, its greedy token and its full next-token distribution (softmax of llama.cpp's logits at
 * temperature 1 with every other sampler disabled). The independent reference for forward-pass parity.
 */
import { getLlama, LlamaLogLevel, type Llama, type Token } from 'node-llama-cpp';

export interface ReferenceStep {
  token: number;
  /** log p(token) for every token llama.cpp reports (all of the vocabulary). */
  logProbabilities: Float64Array;
}

let llama: Promise<Llama> | undefined;

export function llamaCpp(): Promise<Llama> {
  return (llama ??= getLlama({ gpu: false, logLevel: LlamaLogLevel.error }));
}

export async function disposeLlamaCpp(): Promise<void> {
  if (llama) await (await llama).dispose();
  llama = undefined;
}

export async function referenceGreedy(modelPath: string, prompt: number[], steps: number, vocabSize: number): Promise<ReferenceStep[]> {
  const model = await (await llamaCpp()).loadModel({ modelPath });
  try {
    // F32 KV cache: llama.cpp's default F16 cache alone shifts log-probabilities by ~1e-3.
    const context = await model.createContext({ contextSize: prompt.length + steps + 8, threads: 1, batchSize: 512, flashAttention: false, experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' });
    const sequence = context.getSequence();
    const generateNext = { probabilities: true, options: { temperature: 1, topK: vocabSize, topP: 1, minP: 0 } } as const;
    const result: ReferenceStep[] = [];
    const ids = prompt as Token[];
    let input: Parameters<typeof sequence.controlledEvaluate>[0] = [...ids.slice(0, -1), [ids[ids.length - 1], { generateNext }]];
    for (let step = 0; step < steps; step++) {
      const outputs = await sequence.controlledEvaluate(input);
      const probabilities = outputs[outputs.length - 1]!.next.probabilities!;
      const logProbabilities = new Float64Array(vocabSize).fill(-Infinity);
      let token = -1;
      for (const [id, probability] of probabilities) {
        logProbabilities[id] = Math.log(probability);
        if (token < 0 || probability > Math.exp(logProbabilities[token])) token = id;
      }
      result.push({ token, logProbabilities });
      input = [[token as Token, { generateNext }]];
    }
    await context.dispose();
    return result;
  } finally {
    await model.dispose();
  }
}
