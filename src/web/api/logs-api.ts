/**
 * @module web/api/logs-api
 * `/api/logs`: request logs filtered by model, adapter, status, time and tags (`tag=k=v`, repeatable; all indexed
 * columns since store migration 003), newest first; and
 * `/api/logs/series`: requests, p50/p95 latency, tokens and cost per time bucket for the charts.
 */
import type { Hono } from 'hono';
import { percentile } from '../../platform/eval/metrics/percentile.ts';
import { RequestLogRepository, type RequestLogFilter, type RequestLogRecord } from '../../platform/serve/request-logs.ts';
import type { Store } from '../../platform/store/store.ts';
import { integerParam } from './http.ts';

function filterFrom(query: (name: string) => string | undefined, queries: (name: string) => string[] | undefined): RequestLogFilter {
  const tags: Record<string, string> = {};
  for (const pair of queries('tag') ?? []) {
    const [key, ...rest] = pair.split('=');
    if (key) tags[key] = rest.join('=');
  }
  const status = query('status');
  return {
    model: query('model') || undefined,
    adapter: query('adapter') || undefined,
    status: status === 'ok' || status === 'error' ? status : status ? integerParam(status, 'status') : undefined,
    tags,
    since: integerParam(query('since'), 'since'),
    until: integerParam(query('until'), 'until'),
    beforeId: integerParam(query('before'), 'before'),
  };
}

export interface LogBucket {
  start: number;
  requests: number;
  errors: number;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  promptTokens: number;
  completionTokens: number;
  cost: number;
}

export function bucketLogs(logs: RequestLogRecord[], bucketMs: number): LogBucket[] {
  const buckets = new Map<number, RequestLogRecord[]>();
  for (const log of logs) {
    const start = Math.floor(log.time / bucketMs) * bucketMs;
    buckets.set(start, [...(buckets.get(start) ?? []), log]);
  }
  return [...buckets]
    .sort(([a], [b]) => a - b)
    .map(([start, entries]) => {
      const latencies = entries.map((entry) => entry.latencyMs).filter((value): value is number => value !== null);
      return {
        start,
        requests: entries.length,
        errors: entries.filter((entry) => entry.status >= 400).length,
        p50LatencyMs: latencies.length ? percentile(latencies, 50) : null,
        p95LatencyMs: latencies.length ? percentile(latencies, 95) : null,
        promptTokens: entries.reduce((sum, entry) => sum + (entry.promptTokens ?? 0), 0),
        completionTokens: entries.reduce((sum, entry) => sum + (entry.completionTokens ?? 0), 0),
        cost: entries.reduce((sum, entry) => sum + (entry.costUsd ?? 0), 0),
      };
    });
}

export function registerLogsApi(app: Hono<any>, store: Store): void {
  const logs = new RequestLogRepository(store.runner);

  app.get('/api/logs', async (c) => {
    const filter = filterFrom((name) => c.req.query(name), (name) => c.req.queries(name));
    const entries = await logs.list({ ...filter, limit: Math.min(500, integerParam(c.req.query('limit'), 'limit', 100)!) });
    return c.json({ logs: entries });
  });

  app.get('/api/logs/series', async (c) => {
    const filter = filterFrom((name) => c.req.query(name), (name) => c.req.queries(name));
    const entries = await logs.list({ ...filter, limit: 20_000 });
    const span = entries.length ? entries[0].time - entries.at(-1)!.time : 0;
    // About 30 buckets over the span, at least one second each.
    const bucketMs = integerParam(c.req.query('bucketMs'), 'bucketMs') ?? Math.max(1000, Math.ceil(span / 30 / 1000) * 1000);
    const models = [...new Set(entries.map((entry) => entry.model ?? '(none)'))].sort();
    return c.json({ bucketMs, buckets: bucketLogs(entries, bucketMs), models });
  });
}
