/**
 * @module platform/eval/judge/criteria
 * Criteria judges: a user-written criterion ("The answer cites a figure from the sentence") checked by a
 * judge model on every output, giving PASS/FAIL with a reason. The pass rate becomes a metric whose name
 * is the criterion's name; unparseable verdicts count as failures and are reported separately.
 */
import type { ChatMessage, ChatModel } from '../chat-model.ts';
import { concurrencyLimit } from '../clients/concurrency-limit.ts';
import { criterionJudgeMessages, judgeResponseFormat, PASS_FAIL_SCHEMA, type JudgeResponseFormat } from './judge-prompts.ts';
import { parsePassFail } from './parse-verdict.ts';

export interface Criterion {
  name: string;
  text: string;
}

export interface CriterionJudgement {
  row: number;
  pass: boolean | null;
  reason: string;
  rawVerdict: string;
}

export async function judgeCriterion(
  judge: ChatModel,
  criterion: Criterion,
  prompts: readonly (readonly ChatMessage[])[],
  outputs: readonly string[],
  options: { concurrency?: number; maxTokens?: number; responseFormat?: JudgeResponseFormat; signal?: AbortSignal } = {},
): Promise<CriterionJudgement[]> {
  const limit = concurrencyLimit(options.concurrency ?? 2);
  return Promise.all(
    outputs.map((output, row) =>
      limit(async () => {
        const result = await judge.complete(
          { messages: criterionJudgeMessages(criterion.text, prompts[row], output), temperature: 0, maxTokens: options.maxTokens ?? 128, responseFormat: judgeResponseFormat(options.responseFormat ?? 'json_schema', PASS_FAIL_SCHEMA) },
          options.signal,
        );
        const parsed = parsePassFail(result.text);
        return { row, pass: parsed.pass, reason: parsed.reason, rawVerdict: result.text };
      }),
    ),
  );
}

/** Per-row scores for the bootstrap: 1 = PASS, 0 = FAIL or unparsed. */
export function passScores(judgements: readonly CriterionJudgement[]): number[] {
  return judgements.map((judgement) => (judgement.pass === true ? 1 : 0));
}
