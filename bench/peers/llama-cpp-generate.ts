/**
 * @module bench/peers/llama-cpp-generate
 * The peer for bench/generate.ts: llama.cpp through node-llama-cpp 3.21.1 on CPU with default context settings
 * (F16 KV cache, as users get it) and a chosen thread count. Prefill speed is prompt tokens over the time to
 * the first generated token; decode speed is the following greedy tokens over their time, measured both in
 * wall-clock time and in process CPU time (the machine may be shared; CPU time is less disturbed by that).
 */
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel, type Token } from 'node-llama-cpp';

export interface GenerateSpeed {
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  /** Decode tokens per second of process CPU time (all threads). */
  decodeTokensPerCpuSecond: number;
}

export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export function bestOf(speeds: GenerateSpeed[]): GenerateSpeed {
  return {
    prefillTokensPerSecond: Math.max(...speeds.map((speed) => speed.prefillTokensPerSecond)),
    decodeTokensPerSecond: Math.max(...speeds.map((speed) => speed.decodeTokensPerSecond)),
    decodeTokensPerCpuSecond: Math.max(...speeds.map((speed) => speed.decodeTokensPerCpuSecond)),
  };
}

let llama: Promise<Llama> | undefined;

export class LlamaCppPeer {
  private constructor(private readonly model: LlamaModel) {}

  static async open(modelPath: string): Promise<LlamaCppPeer> {
    llama ??= getLlama({ gpu: false, logLevel: LlamaLogLevel.error });
    return new LlamaCppPeer(await (await llama).loadModel({ modelPath }));
  }

  async run(prompt: number[], decodeTokens: number, threads: number): Promise<GenerateSpeed> {
    const context = await this.model.createContext({ contextSize: prompt.length + decodeTokens + 16, threads, batchSize: Math.max(prompt.length, 32) });
    try {
      const sequence = context.getSequence();
      const started = performance.now();
      let first = 0;
      let firstCpu = 0;
      let count = 0;
      for await (const token of sequence.evaluate(prompt as Token[], { temperature: 0 })) {
        void token;
        count++;
        if (count === 1) {
          first = performance.now();
          firstCpu = cpuMs();
        }
        if (count > decodeTokens) break;
      }
      const decodeMs = performance.now() - first;
      const decodeCpuMs = cpuMs() - firstCpu;
      return {
        prefillTokensPerSecond: (prompt.length * 1000) / (first - started),
        decodeTokensPerSecond: ((count - 1) * 1000) / decodeMs,
        decodeTokensPerCpuSecond: ((count - 1) * 1000) / decodeCpuMs,
      };
    } finally {
      await context.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }

  static async disposeAll(): Promise<void> {
    if (llama) await (await llama).dispose();
    llama = undefined;
  }
}
