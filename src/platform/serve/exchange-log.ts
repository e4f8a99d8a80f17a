/**
 * @module platform/serve/exchange-log
 * Records each API exchange once it is over: a request_logs row (when the server has a workspace) and the
 * Prometheus metrics. Handlers fill in what they learn (model, adapter, usage, response) on the context; a
 * streaming handler marks the exchange deferred and finishes it itself when the stream ends. A failure to write
 * the log is reported on stderr and never fails the request.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ServerMetrics } from './metrics.ts';
import { parseTagsHeader, type LogSource, type RequestLogRepository } from './request-logs.ts';
import type { ApiKeyRecord } from './api-keys.ts';

export interface Exchange {
  started: number;
  model: string | null;
  /** True once `model` named a served model: only then is it a metrics label (callers could send any string). */
  modelResolved: boolean;
  adapter: string | null;
  request: Record<string, unknown>;
  response: Record<string, unknown> | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cost: number | null;
  computeMs: number | null;
  error: string | null;
  /** Set by streaming handlers: the middleware leaves finishing to them. */
  deferred: boolean;
  /** Opt-out (`x-sling-log: false`): metrics still count it, no request_logs row is written. */
  skipLog: boolean;
  tags: Record<string, string>;
}

export interface ServeVariables {
  exchange: Exchange;
  apiKey: ApiKeyRecord | null;
}

export type ServeEnv = { Variables: ServeVariables };

export interface ExchangeRecorderOptions {
  source: LogSource;
  logs: RequestLogRepository | null;
  metrics: ServerMetrics;
}

export class ExchangeRecorder {
  /** Log writes still in flight (tests and shutdown await them). */
  private pending = new Set<Promise<void>>();

  constructor(private readonly options: ExchangeRecorderOptions) {}

  middleware(): MiddlewareHandler<ServeEnv> {
    return async (c, next) => {
      const exchange: Exchange = {
        started: performance.now(),
        model: null,
        modelResolved: false,
        adapter: null,
        request: {},
        response: null,
        promptTokens: null,
        completionTokens: null,
        cost: null,
        computeMs: null,
        error: null,
        deferred: false,
        skipLog: c.req.header('x-sling-log')?.trim().toLowerCase() === 'false',
        tags: parseTagsHeader(c.req.header('x-sling-tags')),
      };
      c.set('exchange', exchange);
      await next();
      if (!exchange.deferred) this.finish(c, c.res.status);
    };
  }

  /** Writes the log row and metrics for the exchange on `c`. */
  finish(c: Context<ServeEnv>, status: number): void {
    const exchange = c.get('exchange');
    const latencyMs = performance.now() - exchange.started;
    this.options.metrics.observe({
      model: exchange.modelResolved && exchange.model ? exchange.model : '(unresolved)',
      status,
      latencyMs,
      promptTokens: exchange.promptTokens ?? 0,
      completionTokens: exchange.completionTokens ?? 0,
    });
    if (!this.options.logs || exchange.skipLog) return;
    const write = this.options.logs
      .insert({
        time: Date.now(),
        apiKeyId: c.get('apiKey')?.id ?? null,
        endpoint: new URL(c.req.url).pathname,
        model: exchange.model,
        status,
        latencyMs,
        promptTokens: exchange.promptTokens,
        completionTokens: exchange.completionTokens,
        request: exchange.request,
        response: exchange.response,
        error: exchange.error,
        tags: exchange.tags,
        details: { source: this.options.source, adapter: exchange.adapter, cost: exchange.cost, computeMs: exchange.computeMs },
      })
      .then(
        () => undefined,
        (error: unknown) => console.error(`sling: could not write the request log: ${error instanceof Error ? error.message : String(error)}`),
      );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
