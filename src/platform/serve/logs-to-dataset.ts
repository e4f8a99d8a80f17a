/**
 * @module platform/serve/logs-to-dataset
 * Turns logged traffic into a dataset version: each successful chat completion in the logs (served or
 * proxied) becomes a canonical row — the request's messages followed by the assistant's answer — imported
 * through the data layer's `importRows`, so rows are validated, deduplicated and split like any import.
 * Logs that cannot become a row (errors, legacy completions, tool messages, empty answers) are counted and
 * skipped with the reason.
 */
import { arraySource, importRows, type ImportReport } from '../data/index.ts';
import type { Store } from '../store/store.ts';
import { RequestLogRepository, type RequestLogFilter, type RequestLogRecord } from './request-logs.ts';

type Json = Record<string, unknown>;

export interface LogRow {
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  metadata: Json;
}

function text(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (Array.isArray(content) && content.every((part) => (part as Json)?.type === 'text')) return content.map((part) => String((part as Json).text)).join('');
  return null;
}

/** The canonical row for one log, or the reason it cannot be one. */
export function rowFromLog(log: RequestLogRecord): LogRow | { skip: string } {
  if (log.status !== 200) return { skip: `status ${log.status}` };
  if (!log.endpoint.endsWith('/chat/completions')) return { skip: `endpoint ${log.endpoint}` };
  const requested = log.request.messages;
  if (!Array.isArray(requested) || requested.length === 0) return { skip: 'no messages in the request' };
  const messages: LogRow['messages'] = [];
  for (const message of requested as Json[]) {
    const role = message.role === 'developer' ? 'system' : message.role;
    const content = text(message.content);
    if ((role !== 'system' && role !== 'user' && role !== 'assistant') || content === null) return { skip: `unsupported message (role ${String(message.role)})` };
    messages.push({ role, content });
  }
  const choice = ((log.response?.choices ?? []) as Json[])[0];
  const answer = text((choice?.message as Json | undefined)?.content);
  if (!answer || !answer.trim()) return { skip: 'empty answer' };
  messages.push({ role: 'assistant', content: answer });
  return {
    messages,
    metadata: { source: 'request_log', logId: log.id, model: log.model, time: log.time, tags: log.tags, origin: log.details.source ?? 'serve' },
  };
}

export interface FromLogsOptions {
  name: string;
  filter: RequestLogFilter;
  description?: string;
  testFraction?: number;
  seed?: number;
}

export interface FromLogsReport {
  logs: number;
  skipped: Record<string, number>;
  /** null when no log could become a row (no version is made). */
  import: ImportReport | null;
}

export async function datasetFromLogs(store: Store, options: FromLogsOptions): Promise<FromLogsReport> {
  const logs = await new RequestLogRepository(store.runner).list({ ...options.filter, limit: options.filter.limit ?? 100_000 });
  const rows: LogRow[] = [];
  const skipped: Record<string, number> = {};
  for (const log of logs.reverse()) {
    const row = rowFromLog(log);
    if ('skip' in row) skipped[row.skip] = (skipped[row.skip] ?? 0) + 1;
    else rows.push(row);
  }
  if (rows.length === 0) return { logs: logs.length, skipped, import: null };
  const report = await importRows(store, arraySource(rows, 'request logs'), {
    name: options.name,
    sourceName: `request logs (${logs.length} matched)`,
    description: options.description ?? 'made from logged requests',
    testFraction: options.testFraction,
    seed: options.seed,
  });
  return { logs: logs.length, skipped, import: report };
}
