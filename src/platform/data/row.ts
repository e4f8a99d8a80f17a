/**
 * @module platform/data/row
 * The canonical dataset row every importer produces, its validation (errors name file, line and field) and the
 * content hash used to drop duplicates: the hash covers the messages only, after trimming and unifying line ends,
 * so the same conversation imported twice (or with different metadata) is kept once.
 */
import { createHash } from 'node:crypto';
import { SlingError } from '../../core/errors.ts';
import type { ChatMessage, ChatRole, JsonObject, Split } from '../store/records.ts';

export type { ChatMessage, ChatRole, Split };

export interface CanonicalRow {
  /** The conversation; the last message is the assistant answer the model learns to give. */
  messages: ChatMessage[];
  /** Where the source said; undefined lets the importer assign one (deterministic, seeded). */
  split?: Split;
  /** Class label for classification datasets (used to stratify splits and in stats). */
  label?: string;
  metadata: JsonObject;
}

/** Where a row came from, for error messages. */
export interface RowOrigin {
  file: string;
  line: number;
}

const ROLES: ChatRole[] = ['system', 'user', 'assistant'];

function invalid(origin: RowOrigin, field: string, message: string, hint?: string): SlingError {
  return new SlingError('invalid_row', message, { file: origin.file, line: origin.line, field, hint });
}

/** Parses a split as written in sources: "train"/"TRAIN"/"Test"... */
export function parseSplit(value: unknown, origin: RowOrigin, field = 'split'): Split | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const split = String(value).trim().toLowerCase();
  if (split === 'train' || split === 'test') return split;
  throw invalid(origin, field, `split must be TRAIN or TEST, got ${JSON.stringify(value)}`);
}

/** Checks an untrusted value is a valid message list; returns it typed. */
export function parseMessages(value: unknown, origin: RowOrigin): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid(origin, 'messages', 'messages must be a non-empty array of {role, content}');
  }
  const messages = value.map((message, index): ChatMessage => {
    const field = `messages[${index}]`;
    if (typeof message !== 'object' || message === null) throw invalid(origin, field, 'each message must be an object');
    const { role, content } = message as { role?: unknown; content?: unknown };
    if (!ROLES.includes(role as ChatRole)) {
      throw invalid(origin, `${field}.role`, `role must be system, user or assistant, got ${JSON.stringify(role)}`);
    }
    if (typeof content !== 'string') {
      throw invalid(origin, `${field}.content`, 'content must be a string', 'multi-part and tool-call messages are not supported');
    }
    return { role: role as ChatRole, content };
  });
  const last = messages[messages.length - 1];
  if (last.role !== 'assistant') {
    throw invalid(origin, `messages[${messages.length - 1}].role`, 'the last message must be the assistant answer to learn');
  }
  if (!messages.some((message) => message.role === 'user')) {
    throw invalid(origin, 'messages', 'a row needs at least one user message');
  }
  return messages;
}

export function parseMetadata(value: unknown, origin: RowOrigin): JsonObject {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(origin, 'metadata', 'metadata must be an object');
  return value as JsonObject;
}

export function parseLabel(value: unknown, origin: RowOrigin, field = 'label'): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw invalid(origin, field, 'label must be a string');
  }
  return String(value);
}

/** Validates a row given in code (the programmatic import); `origin.line` is its 1-based index. */
export function parseCanonicalRow(value: unknown, origin: RowOrigin): CanonicalRow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(origin, 'row', 'a row must be an object');
  const raw = value as Record<string, unknown>;
  return {
    messages: parseMessages(raw.messages, origin),
    split: parseSplit(raw.split, origin),
    label: parseLabel(raw.label, origin),
    metadata: parseMetadata(raw.metadata, origin),
  };
}

/** Adds a system prompt in front of rows that have none. */
export function withSystemPrompt(row: CanonicalRow, system: string | undefined): CanonicalRow {
  if (!system || row.messages[0].role === 'system') return row;
  return { ...row, messages: [{ role: 'system', content: system }, ...row.messages] };
}

export function normalizeContent(content: string): string {
  return content.replace(/\r\n?/g, '\n').trim();
}

export function contentHash(messages: ChatMessage[]): string {
  const normalized = messages.map((message) => [message.role, normalizeContent(message.content)]);
  return createHash('sha256').update(JSON.stringify(normalized)).digest('hex');
}

export function characterCount(messages: ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + message.content.length, 0);
}
