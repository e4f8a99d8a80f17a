/**
 * @module platform/serve/request-logs
 * Request logs: one row per API call the server answered or the proxy forwarded, with the request, the response
 * (a streamed answer is reassembled into the non-streamed shape first), model (`BASE:ADAPTER` for adapters),
 * latency, token usage, status and the caller's tags (`x-sling-tags: k=v,k2=v2`). Same table as the store's
 * ServingRepository; this reader adds the filters the dashboard and `sling data from-logs` need (tags, status).
 */
import type { SqlRunner, SqlValue } from '../store/sql-driver.ts';
import type { RequestLog } from '../store/records.ts';

export type JsonObject = Record<string, unknown>;
export type LogSource = 'serve' | 'proxy';

/**
 * Facts the first store schema has no column for. They ride along in the response JSON under `sling`
 * (the OpenAI object itself is untouched otherwise), so error rows without a response do not carry them.
 */
export interface LogDetails {
  source: LogSource;
  adapter: string | null;
  /** Dollars: tokens × price for priced upstreams, compute time × CPU rate for local models. */
  cost: number | null;
  computeMs: number | null;
}

/** A stored request log as the recorder hands it over: no id yet, tags as strings, plus serving details. */
export type RequestLogInput = Omit<RequestLog, 'id' | 'tags'> & { tags: Record<string, string>; details: LogDetails };

export interface RequestLogRecord extends Omit<RequestLogInput, 'details'> {
  id: number;
  /** Adapter name (from `BASE:ADAPTER`), null for base models and remote models. */
  adapter: string | null;
  details: Partial<LogDetails>;
}

export interface RequestLogFilter {
  model?: string;
  status?: number | 'error' | 'ok';
  endpoint?: string;
  /** Every given tag must be present with this value. */
  tags?: Record<string, string>;
  since?: number;
  until?: number;
  limit?: number;
  /** Rows with id below this (for paging newest first). */
  beforeId?: number;
}

interface RequestLogRow {
  id: number;
  time: number;
  api_key_id: number | null;
  endpoint: string;
  model: string | null;
  status: number;
  latency_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  request: string;
  response: string | null;
  error: string | null;
  tags: string;
}

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function toRecord(row: RequestLogRow): RequestLogRecord {
  const response = row.response === null ? null : (JSON.parse(row.response) as JsonObject);
  const details = (response?.sling ?? {}) as Partial<LogDetails>;
  const model = row.model;
  const separator = model?.indexOf(':') ?? -1;
  return {
    id: Number(row.id),
    time: Number(row.time),
    apiKeyId: numberOrNull(row.api_key_id),
    endpoint: row.endpoint,
    model,
    adapter: details.adapter ?? (model && separator > 0 && details.source !== 'proxy' ? model.slice(separator + 1) : null),
    status: Number(row.status),
    latencyMs: numberOrNull(row.latency_ms),
    promptTokens: numberOrNull(row.prompt_tokens),
    completionTokens: numberOrNull(row.completion_tokens),
    request: JSON.parse(row.request) as JsonObject,
    response,
    error: row.error,
    tags: JSON.parse(row.tags) as Record<string, string>,
    details,
  };
}

/** `a=1, b = two` → { a: '1', b: 'two' }; pieces without `=` become tags with an empty value. */
export function parseTagsHeader(header: string | undefined | null): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!header) return tags;
  for (const piece of header.split(',')) {
    const [key, ...rest] = piece.split('=');
    const name = key.trim();
    if (name) tags[name.slice(0, 64)] = rest.join('=').trim().slice(0, 256);
  }
  return tags;
}

// LIKE patterns over the tags JSON: JSON.stringify writes `"k":"v"` with no spaces, so one pair is a substring.
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

export class RequestLogRepository {
  constructor(private readonly sql: SqlRunner) {}

  async insert(log: RequestLogInput): Promise<number> {
    const response = log.response === null ? null : { ...log.response, sling: log.details };
    const [row] = await this.sql.query<{ id: number }>(
      `INSERT INTO request_logs (time, api_key_id, endpoint, model, status, latency_ms, prompt_tokens, completion_tokens,
         request, response, error, tags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        log.time, log.apiKeyId, log.endpoint, log.model, log.status, log.latencyMs, log.promptTokens, log.completionTokens,
        JSON.stringify(log.request), response === null ? null : JSON.stringify(response), log.error, JSON.stringify(log.tags),
      ],
    );
    return Number(row.id);
  }

  async get(id: number): Promise<RequestLogRecord | null> {
    const rows = await this.sql.query<RequestLogRow>('SELECT * FROM request_logs WHERE id = ?', [id]);
    return rows.length ? toRecord(rows[0]) : null;
  }

  /** Newest first. */
  async list(filter: RequestLogFilter = {}): Promise<RequestLogRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const add = (clause: string, ...values: SqlValue[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (filter.model !== undefined) add('model = ?', filter.model);
    if (filter.endpoint !== undefined) add('endpoint = ?', filter.endpoint);
    if (filter.status === 'ok') add('status < 400');
    else if (filter.status === 'error') add('status >= 400');
    else if (filter.status !== undefined) add('status = ?', filter.status);
    if (filter.since !== undefined) add('time >= ?', filter.since);
    if (filter.until !== undefined) add('time < ?', filter.until);
    if (filter.beforeId !== undefined) add('id < ?', filter.beforeId);
    for (const [key, value] of Object.entries(filter.tags ?? {})) {
      add("tags LIKE ? ESCAPE '\\'", `%${likeEscape(JSON.stringify({ [key]: value }).slice(1, -1))}%`);
    }
    const limit = Math.min(Math.max(1, filter.limit ?? 100), 100_000);
    const sql = `SELECT * FROM request_logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`;
    return (await this.sql.query<RequestLogRow>(sql, params)).map(toRecord);
  }
}
