/**
 * @module platform/serve/request-logs
 * Request logs: one row per API call the server answered or the proxy forwarded, with the request, the response
 * (a streamed answer is reassembled into the non-streamed shape first), model (`BASE:ADAPTER` for adapters),
 * latency, token usage, status, cost and the caller's tags (`x-sling-tags: k=v,k2=v2`). The rows live in the
 * store (request_logs and request_log_tags); this is the server's view of them, with the details the recorder
 * hands over grouped as `details`.
 */
import type { RequestLog, RequestLogSource } from '../store/records.ts';
import { RequestLogTable, type RequestLogFilter } from '../store/request-log-repository.ts';
import type { SqlRunner } from '../store/sql-driver.ts';

export type JsonObject = Record<string, unknown>;
export type LogSource = RequestLogSource;
export type { RequestLogFilter };

/** What the server knows about an exchange beyond the OpenAI objects (columns of request_logs since schema 003). */
export interface LogDetails {
  source: LogSource;
  adapter: string | null;
  /** Dollars: tokens × price for priced upstreams, compute time × CPU rate for local models. */
  cost: number | null;
  computeMs: number | null;
}

type Recorded = 'source' | 'adapter' | 'costUsd' | 'computeMs';

/** A request log as the recorder hands it over: no id yet, plus serving details. */
export type RequestLogInput = Omit<RequestLog, 'id' | Recorded> & { details: LogDetails };

export interface RequestLogRecord extends RequestLog {
  /** The same facts as source/adapter/costUsd/computeMs (null ones left out), for callers that read them together. */
  details: Partial<LogDetails>;
}

function toRecord(log: RequestLog): RequestLogRecord {
  const details: Partial<LogDetails> = {};
  if (log.source !== null) details.source = log.source;
  if (log.adapter !== null) details.adapter = log.adapter;
  if (log.costUsd !== null) details.cost = log.costUsd;
  if (log.computeMs !== null) details.computeMs = log.computeMs;
  return { ...log, details };
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

export class RequestLogRepository {
  private readonly table: RequestLogTable;

  constructor(sql: SqlRunner) {
    this.table = new RequestLogTable(sql);
  }

  async insert(log: RequestLogInput): Promise<number> {
    const { details, ...rest } = log;
    const stored = await this.table.insert({
      ...rest,
      source: details.source,
      adapter: details.adapter,
      costUsd: details.cost,
      computeMs: details.computeMs,
    });
    return stored.id;
  }

  async get(id: number): Promise<RequestLogRecord | null> {
    const log = await this.table.get(id);
    return log ? toRecord(log) : null;
  }

  /** Newest first. */
  async list(filter: RequestLogFilter = {}): Promise<RequestLogRecord[]> {
    return (await this.table.list(filter)).map(toRecord);
  }
}
