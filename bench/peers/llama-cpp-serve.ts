/**
 * @module bench/peers/llama-cpp-serve
 * The peer for bench/serve.ts: llama.cpp through node-llama-cpp 3.21.1 serving one GGUF base with one GGUF
 * LoRA adapter, by direct calls (no HTTP layer, which favours the peer): one context with one sequence per
 * concurrent client, so node-llama-cpp batches the clients' decode steps together as a server would.
 * Greedy decoding, stopping at end-of-generation or the token budget, like the Sling requests.
 */
import { getLlama, LlamaLogLevel, type Token } from 'node-llama-cpp';

export interface PeerLevelResult {
  requests: number;
  outputTokens: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
  /** Tokens generated for the first prompt (to compare with Sling's greedy output). */
  firstTokens: number[];
}

export async function runLlamaCppLevel(options: {
  modelPath: string;
  loraPath: string;
  prompts: number[][];
  maxTokens: number;
  concurrency: number;
  requests: number;
  timeLimitMs: number;
  threads: number;
}): Promise<PeerLevelResult> {
  const llama = await getLlama({ gpu: false, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: options.modelPath });
  const longest = Math.max(...options.prompts.map((prompt) => prompt.length)) + options.maxTokens + 8;
  const context = await model.createContext({
    sequences: options.concurrency,
    contextSize: longest * options.concurrency,
    threads: options.threads,
    lora: { adapters: [{ filePath: options.loraPath }] },
  });
  const result: PeerLevelResult = { requests: 0, outputTokens: 0, seconds: 0, latenciesMs: [], errors: 0, firstTokens: [] };
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    const sequence = context.getSequence();
    while (next < options.requests && performance.now() - started < options.timeLimitMs) {
      const index = next++;
      const begun = performance.now();
      try {
        await sequence.clearHistory();
        const tokens: number[] = [];
        for await (const token of sequence.evaluate(options.prompts[index % options.prompts.length] as Token[], { temperature: 0 })) {
          if (model.isEogToken(token)) break;
          tokens.push(token);
          if (tokens.length >= options.maxTokens) break;
        }
        if (index === 0) result.firstTokens = tokens;
        result.outputTokens += tokens.length;
        result.requests += 1;
        result.latenciesMs.push(performance.now() - begun);
      } catch {
        result.errors += 1;
      }
    }
    sequence.dispose();
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    result.seconds = (performance.now() - started) / 1000;
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
  return result;
}
