/**
 * @module platform/eval/judge/head-to-head
 * Pairwise LLM-as-judge comparisons over every pair of models on every row. Position bias is the best-known
 * judge failure (Zheng et al. 2023, "Judging LLM-as-a-Judge"), so each comparison shows the two answers in
 * an order drawn from a seeded RNG and maps the verdict back. Identical answers are a tie without asking
 * the judge (it would only add noise and cost). Unparseable verdicts are kept with `winner: null`.
 */
import type { ChatMessage, ChatModel } from '../chat-model.ts';
import { normalizeWhitespace } from '../metrics/exact-match.ts';
import { seededRandom } from '../random.ts';
import { concurrencyLimit } from '../clients/concurrency-limit.ts';
import { judgeResponseFormat, pairJudgeMessages, PAIR_VERDICT_SCHEMA, type JudgeResponseFormat } from './judge-prompts.ts';
import { parsePairVerdict } from './parse-verdict.ts';

export interface CandidateOutputs {
  model: string;
  /** One output per row, aligned with `rows`. */
  outputs: readonly string[];
}

export interface PairJudgement {
  row: number;
  modelA: string;
  modelB: string;
  /** Winning model name, 'tie', or null when the judge's answer could not be parsed. */
  winner: string | 'tie' | null;
  /** True when modelB's answer was shown first. */
  swapped: boolean;
  /** False when the answers were identical and no judge was called. */
  judged: boolean;
  explanation: string;
  rawVerdict: string;
}

export interface HeadToHeadOptions {
  seed?: number;
  concurrency?: number;
  /** Reference answers, shown to the judge when given. */
  references?: readonly string[];
  maxTokens?: number;
  /** How the judge is asked for JSON (default json_schema: constrained decoding where the server supports it). */
  responseFormat?: JudgeResponseFormat;
  signal?: AbortSignal;
}

export async function judgeHeadToHead(
  judge: ChatModel,
  prompts: readonly (readonly ChatMessage[])[],
  candidates: readonly CandidateOutputs[],
  options: HeadToHeadOptions = {},
): Promise<PairJudgement[]> {
  const random = seededRandom(options.seed ?? 0);
  const limit = concurrencyLimit(options.concurrency ?? 2);
  // All swap decisions are drawn up front, in a fixed order, so concurrency cannot change them.
  const plan: Array<{ row: number; a: CandidateOutputs; b: CandidateOutputs; swapped: boolean }> = [];
  for (let row = 0; row < prompts.length; row++) {
    for (let i = 0; i < candidates.length; i++) {
      for (let j = i + 1; j < candidates.length; j++) plan.push({ row, a: candidates[i], b: candidates[j], swapped: random() < 0.5 });
    }
  }
  return Promise.all(
    plan.map(({ row, a, b, swapped }) =>
      limit(async (): Promise<PairJudgement> => {
        const outputA = a.outputs[row];
        const outputB = b.outputs[row];
        const base = { row, modelA: a.model, modelB: b.model, swapped };
        if (normalizeWhitespace(outputA) === normalizeWhitespace(outputB)) {
          return { ...base, winner: 'tie', judged: false, explanation: 'identical answers', rawVerdict: '' };
        }
        const [first, second] = swapped ? [outputB, outputA] : [outputA, outputB];
        const result = await judge.complete(
          { messages: pairJudgeMessages(prompts[row], first, second, options.references?.[row]), temperature: 0, maxTokens: options.maxTokens ?? 256, responseFormat: judgeResponseFormat(options.responseFormat ?? 'json_schema', PAIR_VERDICT_SCHEMA) },
          options.signal,
        );
        const parsed = parsePairVerdict(result.text);
        let winner: string | 'tie' | null = null;
        if (parsed.verdict === 'tie') winner = 'tie';
        else if (parsed.verdict === 'A') winner = swapped ? b.model : a.model;
        else if (parsed.verdict === 'B') winner = swapped ? a.model : b.model;
        return { ...base, winner, judged: true, explanation: parsed.explanation, rawVerdict: result.text };
      }),
    ),
  );
}

export interface WinRateMatrix {
  models: string[];
  /** rates[i][j] = (wins of i over j + ½ ties) / decided comparisons of i and j; NaN on the diagonal or with no data. */
  rates: number[][];
  /** Comparisons counted in each cell (unparsed verdicts excluded). */
  counts: number[][];
  unparsed: number;
}

export function winRateMatrix(models: readonly string[], judgements: readonly PairJudgement[]): WinRateMatrix {
  const size = models.length;
  const points = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const counts = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  let unparsed = 0;
  for (const judgement of judgements) {
    const a = models.indexOf(judgement.modelA);
    const b = models.indexOf(judgement.modelB);
    if (a < 0 || b < 0) continue;
    if (judgement.winner === null) {
      unparsed++;
      continue;
    }
    counts[a][b]++;
    counts[b][a]++;
    if (judgement.winner === 'tie') {
      points[a][b] += 0.5;
      points[b][a] += 0.5;
    } else if (judgement.winner === judgement.modelA) points[a][b] += 1;
    else points[b][a] += 1;
  }
  const rates = points.map((row, i) => row.map((value, j) => (i === j || counts[i][j] === 0 ? Number.NaN : value / counts[i][j])));
  return { models: [...models], rates, counts, unparsed };
}
