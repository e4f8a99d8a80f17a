/**
 * @module engine/train/data/read-examples
 * Reads training JSONL: OpenAI chat rows (`messages`, the last one the assistant answer to learn) and
 * prompt/completion rows. Every bad row is reported with file, line and field; with `skipInvalid` the bad
 * rows are collected and counted instead of stopping the run.
 */
import { readFileSync } from 'node:fs';
import { SlingError } from '../../../core/errors.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type TrainingRow =
  | { kind: 'chat'; messages: ChatMessage[]; line: number }
  | { kind: 'completion'; prompt: string; completion: string; line: number };

export interface ReadResult {
  rows: TrainingRow[];
  /** Errors of skipped rows (empty unless skipInvalid). */
  skipped: SlingError[];
}

const ROLES = new Set(['system', 'user', 'assistant']);

export function readTrainingFile(file: string, options: { skipInvalid?: boolean } = {}): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SlingError('data_not_found', 'cannot read the training data file', { file, cause: error });
  }
  return parseTrainingText(text, file, options);
}

export function parseTrainingText(text: string, file: string, options: { skipInvalid?: boolean } = {}): ReadResult {
  const rows: TrainingRow[] = [];
  const skipped: SlingError[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    try {
      rows.push(parseRow(raw, file, line));
    } catch (error) {
      if (!options.skipInvalid || !SlingError.isInstance(error)) throw error;
      skipped.push(error);
    }
  });
  if (rows.length === 0) {
    throw new SlingError('data_empty', skipped.length ? `all ${skipped.length} rows are invalid` : 'the file has no rows', { file, hint: 'one JSON object per line: {"messages": [...]} or {"prompt": ..., "completion": ...}' });
  }
  return { rows, skipped };
}

function parseRow(raw: string, file: string, line: number): TrainingRow {
  const fail = (message: string, field?: string, hint?: string) => new SlingError('data_invalid_row', message, { file, line, field, hint });
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw fail(`not valid JSON (${(error as Error).message})`, undefined, 'each line must be one JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('a row must be a JSON object');
  const row = value as Record<string, unknown>;
  if ('messages' in row) {
    if (!Array.isArray(row.messages) || row.messages.length < 2) throw fail('must be an array of at least two messages', 'messages');
    const messages = row.messages.map((message, position) => {
      const field = `messages[${position}]`;
      if (typeof message !== 'object' || message === null) throw fail('must be an object with role and content', field);
      const { role, content } = message as Record<string, unknown>;
      if (typeof role !== 'string' || !ROLES.has(role)) throw fail(`role must be system, user or assistant, got ${JSON.stringify(role)}`, `${field}.role`);
      if (typeof content !== 'string') throw fail('content must be a string', `${field}.content`);
      return { role, content } as ChatMessage;
    });
    const last = messages[messages.length - 1];
    const lastField = `messages[${messages.length - 1}]`;
    if (last.role !== 'assistant') throw fail('the last message must be the assistant answer to learn', `${lastField}.role`);
    if (last.content.length === 0) throw fail('the assistant answer is empty', `${lastField}.content`);
    return { kind: 'chat', messages, line };
  }
  if ('prompt' in row || 'completion' in row) {
    if (typeof row.prompt !== 'string') throw fail('must be a string', 'prompt');
    if (typeof row.completion !== 'string' || row.completion.length === 0) throw fail('must be a non-empty string', 'completion');
    return { kind: 'completion', prompt: row.prompt, completion: row.completion, line };
  }
  throw fail('row has neither "messages" nor "prompt"/"completion"', 'messages', 'use OpenAI chat rows or prompt/completion rows');
}
