/**
 * @module engine/train/data/render-example
 * Turns a row into prompt text and completion text. Chat rows use the model's chat template when there is one
 * (prompt = all but the last message with the generation prompt; completion = what the full rendering adds),
 * else the plain template documented in docs/recipe.md.
 */
import { SlingError } from '../../../core/errors.ts';
import type { ChatMessage, TrainingRow } from './read-examples.ts';

/** Renders messages with a chat template (e.g. the Jinja template of a GGUF or tokenizer_config.json). */
export type ChatRenderer = (messages: ChatMessage[], addGenerationPrompt: boolean) => string;

export interface RenderedExample {
  prompt: string;
  completion: string;
  line: number;
}

const PLAIN_HEADERS = { system: '### System:\n', user: '### User:\n', assistant: '### Assistant:\n' } as const;

/** The plain template: every turn is a header line, its content and a blank line. */
export function renderPlain(messages: ChatMessage[], addGenerationPrompt: boolean): string {
  const turns = messages.map((message) => `${PLAIN_HEADERS[message.role]}${message.content}\n\n`).join('');
  return addGenerationPrompt ? turns + PLAIN_HEADERS.assistant : turns;
}

export function renderExample(row: TrainingRow, file: string, renderer?: ChatRenderer): RenderedExample {
  if (row.kind === 'completion') return { prompt: row.prompt, completion: row.completion, line: row.line };
  const history = row.messages.slice(0, -1);
  const answer = row.messages[row.messages.length - 1].content;
  if (!renderer) return { prompt: renderPlain(history, true), completion: answer, line: row.line };
  const prompt = renderer(history, true);
  const full = renderer(row.messages, false);
  if (!full.startsWith(prompt)) {
    throw new SlingError('data_template_mismatch', 'the chat template renders the conversation so that the prompt is not a prefix of the full text', {
      file,
      line: row.line,
      field: 'messages',
      hint: 'use data.template: plain',
    });
  }
  return { prompt, completion: full.slice(prompt.length), line: row.line };
}
