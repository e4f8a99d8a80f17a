/**
 * @module platform/eval/eval-row
 * The canonical dataset row as evaluations see it: a chat whose last message is the assistant's
 * reference answer. Helpers split a row into the prompt (all but the last message) and the reference.
 */
import { SlingError } from '../../core/errors.ts';
import type { ChatMessage } from './chat-model.ts';

export interface EvalRow {
  messages: ChatMessage[];
  split: string;
  label?: string;
  metadata?: Record<string, unknown>;
}

/** The messages sent to a model: everything before the reference answer. */
export function promptOf(row: EvalRow): ChatMessage[] {
  referenceOf(row);
  return row.messages.slice(0, -1);
}

/** The reference answer: the content of the last message, which must be the assistant's. */
export function referenceOf(row: EvalRow, index?: number): string {
  const last = row.messages.at(-1);
  if (!last || last.role !== 'assistant') {
    throw new SlingError('eval_row_invalid', 'the last message of an evaluation row must be the assistant reference answer', {
      line: index === undefined ? undefined : index + 1,
      field: 'messages',
      hint: 'append {"role":"assistant","content":"<expected answer>"} to the row',
    });
  }
  return last.content;
}

/** The last user message, which is what classical baselines read. */
export function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i].content;
  return '';
}
