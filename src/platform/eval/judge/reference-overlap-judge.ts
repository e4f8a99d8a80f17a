/**
 * @module platform/eval/judge/reference-overlap-judge
 * A classical, model-free judge: it reads the judge prompt, compares each answer to the reference answer by
 * ROUGE-L and prefers the closer one (tie within `margin`). It answers in the same JSON format an LLM judge
 * is asked for. Useful as a cheap sanity judge and as a real, deterministic judge in tests of the judging
 * mechanics (position swaps, ties, aggregation), since its verdict depends on what it is actually shown.
 */
import { approximateTokenCount, type ChatModel } from '../chat-model.ts';
import { rougeL } from '../metrics/rouge-l.ts';
import { readSection } from './judge-prompts.ts';

export function referenceOverlapJudge(name = 'reference-overlap-judge', margin = 1e-9): ChatModel {
  return {
    name,
    kind: 'baseline',
    async complete(request) {
      const started = performance.now();
      const prompt = request.messages.map((message) => message.content).join('\n');
      const reference = readSection(prompt, 'Reference answer');
      const criterion = readSection(prompt, 'Criterion');
      let text: string;
      if (criterion !== undefined) {
        // Criterion mode: pass when every word of the criterion's quoted phrase appears in the answer.
        const answer = readSection(prompt, 'Answer') ?? '';
        const quoted = /"([^"]+)"/.exec(criterion)?.[1] ?? criterion;
        const pass = answer.toLowerCase().includes(quoted.toLowerCase());
        text = JSON.stringify({ verdict: pass ? 'PASS' : 'FAIL', reason: pass ? `the answer contains "${quoted}"` : `"${quoted}" is missing` });
      } else {
        const a = rougeL(readSection(prompt, 'Answer A') ?? '', reference ?? '').f1;
        const b = rougeL(readSection(prompt, 'Answer B') ?? '', reference ?? '').f1;
        const winner = Math.abs(a - b) <= margin ? 'tie' : a > b ? 'A' : 'B';
        text = JSON.stringify({ winner, explanation: `ROUGE-L against the reference: A ${a.toFixed(3)}, B ${b.toFixed(3)}` });
      }
      const elapsed = performance.now() - started;
      return { text, inputTokens: approximateTokenCount(prompt), outputTokens: approximateTokenCount(text), latencyMs: elapsed, computeMs: elapsed };
    },
  };
}
