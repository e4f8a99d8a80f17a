/**
 * @module bench/peers/llama-cpp-generate
 * The peer for bench/generate.ts: llama.cpp through node-llama-cpp 3.21.1 on CPU, default context settings
 * (F16 KV cache, as users get it) and a chosen thread count. Prefill speed is prompt tokens over the time to
 * the first generated token; decode speed is the following greedy tokens over their time.
 */
import { getLlama, LlamaLogLevel, type Llama, type Token } from 'node-llama-cpp';

export interface GenerateSpeed {
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  decodedTokens: number;
}

let llama: Promise<Llama> | undefined;

export async function disposeLlamaCpp(): Promise<void> {
  if (llama) await (await llama).dispose();
  llama = undefined;
}

export async function llamaCppGenerateSpeed(modelPath: string, prompt: number[], decodeTokens: number, threads: number, repeats: number): Promise<GenerateSpeed> {
  llama ??= getLlama({ gpu: false, logLevel: LlamaLogLevel.error });
  const model = await (await llama).loadModel({ modelPath });
  const best: GenerateSpeed = { prefillTokensPerSecond: 0, decodeTokensPerSecond: 0, decodedTokens: 0 };
  try {
    // One warm-up run, then the best of `repeats` (the machine is shared; the best run is the least disturbed).
    for (let run = 0; run <= repeats; run++) {
      const context = await model.createContext({ contextSize: prompt.length + decodeTokens + 16, threads, batchSize: Math.max(prompt.length, 32) });
      const sequence = context.getSequence();
      const started = performance.now();
      let first = 0;
      let count = 0;
      for await (const token of sequence.evaluate(prompt as Token[], { temperature: 0 })) {
        void token;
        count++;
        if (count === 1) first = performance.now();
        if (count > decodeTokens) break;
      }
      const ended = performance.now();
      await context.dispose();
      if (run === 0) continue;
      best.prefillTokensPerSecond = Math.max(best.prefillTokensPerSecond, (prompt.length * 1000) / (first - started));
      best.decodeTokensPerSecond = Math.max(best.decodeTokensPerSecond, ((count - 1) * 1000) / (ended - first));
      best.decodedTokens = count - 1;
    }
  } finally {
    await model.dispose();
  }
  return best;
}
