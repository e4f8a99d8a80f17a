/**
 * @module platform/eval/judge/judge-prompts
 * The prompts sent to judge models. Outputs are fenced by explicit begin/end markers so a judge (or a
 * classical reference judge) can tell where each answer starts and stops; the answer format is JSON.
 */
import type { ChatMessage, ChatRequest } from '../chat-model.ts';

export const PAIR_JUDGE_SYSTEM =
  'You are an impartial judge comparing two answers to the same request. Judge correctness first, then helpfulness and ' +
  'faithfulness to the reference answer if one is given. Ignore the order in which the answers appear and their length. ' +
  'Reply with JSON only: {"winner": "A" | "B" | "tie", "explanation": "<one or two sentences>"}.';

export const CRITERION_JUDGE_SYSTEM =
  'You are a strict grader. Decide whether the answer satisfies the criterion. ' +
  'Reply with JSON only: {"verdict": "PASS" | "FAIL", "reason": "<one sentence>"}.';

/** JSON schemas for constrained decoding: even a small local judge then answers in a parseable shape. */
export const PAIR_VERDICT_SCHEMA = {
  type: 'object',
  properties: { winner: { type: 'string', enum: ['A', 'B', 'tie'] }, explanation: { type: 'string' } },
  required: ['winner', 'explanation'],
  additionalProperties: false,
} as const;

export const PASS_FAIL_SCHEMA = {
  type: 'object',
  properties: { verdict: { type: 'string', enum: ['PASS', 'FAIL'] }, reason: { type: 'string' } },
  required: ['verdict', 'reason'],
  additionalProperties: false,
} as const;

export type JudgeResponseFormat = 'json_schema' | 'json_object' | 'none';

export function judgeResponseFormat(format: JudgeResponseFormat, schema: object): ChatRequest['responseFormat'] {
  if (format === 'json_schema') return { type: 'json_schema', schema };
  return format === 'json_object' ? { type: 'json_object' } : undefined;
}

export function conversationText(messages: readonly ChatMessage[]): string {
  return messages.map((message) => `${message.role.toUpperCase()}: ${message.content}`).join('\n\n');
}

function section(name: string, body: string): string {
  return `[${name}]\n${body}\n[End of ${name}]`;
}

export function pairJudgeMessages(prompt: readonly ChatMessage[], outputA: string, outputB: string, reference?: string): ChatMessage[] {
  const parts = [section('Conversation', conversationText(prompt))];
  if (reference !== undefined) parts.push(section('Reference answer', reference));
  parts.push(section('Answer A', outputA), section('Answer B', outputB), 'Which answer is better? Reply with the JSON object only.');
  return [
    { role: 'system', content: PAIR_JUDGE_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

export function criterionJudgeMessages(criterion: string, prompt: readonly ChatMessage[], output: string): ChatMessage[] {
  return [
    { role: 'system', content: CRITERION_JUDGE_SYSTEM },
    {
      role: 'user',
      content: [section('Criterion', criterion), section('Conversation', conversationText(prompt)), section('Answer', output), 'Does the answer satisfy the criterion? Reply with the JSON object only.'].join('\n\n'),
    },
  ];
}

/** Reads a `[Name] ... [End of Name]` section back out of a judge prompt. */
export function readSection(text: string, name: string): string | undefined {
  const start = text.indexOf(`[${name}]\n`);
  if (start < 0) return undefined;
  const bodyStart = start + name.length + 3;
  const end = text.indexOf(`\n[End of ${name}]`, bodyStart);
  return end < 0 ? undefined : text.slice(bodyStart, end);
}
