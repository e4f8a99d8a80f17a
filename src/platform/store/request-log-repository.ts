/**
 * @module platform/store/request-log-repository
 * One row per request the server answered or the proxy forwarded, which later becomes training data. Cost,
 * adapter, source and compute time are columns (schema 003), and every tag is also a request_log_tags row, so
 * the dashboard's filters (tag, model, adapter, status, time) use indexes. Rows are written and read only here.
 */
import { jsonOrNull, numberOrNull, parseJson, parseJsonOrNull, valueGroups } from './columns.ts';
import type { JsonObject, RequestLog, RequestLogSource } from './records.ts';
import type { SqlRunner, SqlValue } from './sql-driver.ts';

type Recorded = 'source' | 'adapter' | 'costUsd' | 'computeMs';
export type NewRequestLog = Omit<RequestLog, 'id' | 'time' | 'tags' | Recorded> &
  Partial<Pick<RequestLog, Recorded>> & { time?: number; tags?: Record<string, string> };

export interface RequestLogFilter {
  model?: string;
  adapter?: string;
  endpoint?: string;
  status?: number | 'error' | 'ok';
  /** Every given tag must be present with this value. */
  tags?: Record<string, string>;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /** Rows with id below this (paging newest first). */
  beforeId?: number;
  /** Default 100, at most 100,000. */
  limit?: number;
}

function toRequestLog(row: Record<string, unknown>): RequestLog {
  const response = parseJsonOrNull<JsonObject>(row.response);
  // Rows logged before schema 003 carried these details inside the response; they were copied to columns.
  if (response && 'sling' in response) delete response.sling;
  return {
    id: Number(row.id),
    time: Number(row.time),
    apiKeyId: numberOrNull(row.api_key_id),
    endpoint: String(row.endpoint),
    model: (row.model as string | null) ?? null,
    status: Number(row.status),
    latencyMs: numberOrNull(row.latency_ms),
    promptTokens: numberOrNull(row.prompt_tokens),
    completionTokens: numberOrNull(row.completion_tokens),
    request: parseJson<JsonObject>(row.request),
    response,
    error: (row.error as string | null) ?? null,
    tags: parseJson<Record<string, string>>(row.tags),
    source: (row.source as RequestLogSource | null) ?? null,
    adapter: (row.adapter as string | null) ?? null,
    costUsd: numberOrNull(row.cost_usd),
    computeMs: numberOrNull(row.compute_ms),
  };
}

export class RequestLogTable {
  constructor(private readonly sql: SqlRunner) {}

  async insert(log: NewRequestLog): Promise<RequestLog> {
    const tags = log.tags ?? {};
    return this.sql.transaction(async (runner) => {
      const [row] = await runner.query(
        `INSERT INTO request_logs (time, api_key_id, endpoint, model, status, latency_ms, prompt_tokens, completion_tokens,
           request, response, error, tags, source, adapter, cost_usd, compute_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [
          log.time ?? Date.now(), log.apiKeyId, log.endpoint, log.model, log.status, log.latencyMs, log.promptTokens,
          log.completionTokens, JSON.stringify(log.request), jsonOrNull(log.response), log.error, JSON.stringify(tags),
          log.source ?? null, log.adapter ?? null, log.costUsd ?? null, log.computeMs ?? null,
        ],
      );
      const entries = Object.entries(tags);
      if (entries.length) {
        await runner.run(
          `INSERT INTO request_log_tags (log_id, name, value) VALUES ${valueGroups(entries.length, 3)}`,
          entries.flatMap(([name, value]): SqlValue[] => [Number(row.id), name, String(value)]),
        );
      }
      return toRequestLog(row);
    });
  }

  async get(id: number): Promise<RequestLog | null> {
    const [row] = await this.sql.query('SELECT * FROM request_logs WHERE id = ?', [id]);
    return row ? toRequestLog(row) : null;
  }

  /** Newest first. */
  async list(filter: RequestLogFilter = {}): Promise<RequestLog[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const add = (clause: string, ...values: SqlValue[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (filter.model !== undefined) add('model = ?', filter.model);
    if (filter.adapter !== undefined) add('adapter = ?', filter.adapter);
    if (filter.endpoint !== undefined) add('endpoint = ?', filter.endpoint);
    if (filter.status === 'ok') add('status < 400');
    else if (filter.status === 'error') add('status >= 400');
    else if (filter.status !== undefined) add('status = ?', filter.status);
    if (filter.since !== undefined) add('time >= ?', filter.since);
    if (filter.until !== undefined) add('time < ?', filter.until);
    if (filter.beforeId !== undefined) add('id < ?', filter.beforeId);
    for (const [name, value] of Object.entries(filter.tags ?? {})) {
      add('id IN (SELECT log_id FROM request_log_tags WHERE name = ? AND value = ?)', name, value);
    }
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), 100_000);
    const rows = await this.sql.query(
      `SELECT * FROM request_logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map(toRequestLog);
  }
}
