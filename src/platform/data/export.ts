/**
 * @module platform/data/export
 * Writes a dataset version back out as OpenAI chat JSONL, streamed (honours back-pressure) so big datasets never
 * sit in memory. By default each line also carries `split` (TRAIN/TEST, as OpenPipe writes it), `label` and
 * `metadata`, which our importer reads back unchanged; `messagesOnly` writes the bare `{"messages": [...]}`.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Split, StoredRow } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { resolveVersion } from './resolve.ts';

export interface ExportOptions {
  version?: number;
  split?: Split;
  messagesOnly?: boolean;
}

export function toJsonLine(row: StoredRow, messagesOnly = false): string {
  if (messagesOnly) return JSON.stringify({ messages: row.messages });
  const line: Record<string, unknown> = { messages: row.messages, split: row.split?.toUpperCase() };
  if (row.label !== null) line.label = row.label;
  line.metadata = row.metadata;
  return JSON.stringify(line);
}

/** Writes the rows to `out` (not closed afterwards); returns how many were written. */
export async function exportJsonl(store: Store, reference: string, out: Writable, options: ExportOptions = {}): Promise<number> {
  const { version } = await resolveVersion(store, reference, options.version);
  let count = 0;
  for await (const row of store.datasets.iterateRows(version.id, { split: options.split })) {
    if (!out.write(toJsonLine(row, options.messagesOnly) + '\n')) await once(out, 'drain');
    count += 1;
  }
  return count;
}
