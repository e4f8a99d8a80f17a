/**
 * @module platform/serve/proxy/proxy-app
 * `sling proxy`: forwards OpenAI-compatible requests to an upstream provider with the caller's own key and
 * streams the answer back byte for byte, while a second branch of the same stream is reassembled and logged
 * (request, response, latency, usage, tags) for later use as training data. `x-sling-log: false` opts a
 * request out. Logging never fails a request: a log write that throws is reported on stderr and dropped.
 */
import { Hono } from 'hono';
import { ApiError, toApiError } from '../openai-errors.ts';
import { errorResponse } from '../app.ts';
import { ServerMetrics } from '../metrics.ts';
import { parseTagsHeader, type RequestLogInput } from '../request-logs.ts';
import { StreamReassembler } from './reassemble-stream.ts';

export interface ProxyLogSink {
  insert(log: RequestLogInput): Promise<unknown>;
}

export interface ProxyOptions {
  /** Base URL of the upstream API including its version path, e.g. https://api.openai.com/v1. */
  upstream: string;
  /** null: forward without logging. */
  logs: ProxyLogSink | null;
  /** Dollars per million tokens, to put a cost on logged requests (optional). */
  pricing?: { inputPerMillion: number; outputPerMillion: number };
  maxBodyBytes?: number;
}

// Hop-by-hop and framing headers are the proxy's own business on each leg; Sling's headers stay here.
const droppedRequestHeaders = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'accept-encoding', 'x-sling-tags', 'x-sling-log', 'upgrade', 'te', 'trailer', 'proxy-authorization']);
const droppedResponseHeaders = new Set(['connection', 'keep-alive', 'content-length', 'transfer-encoding', 'content-encoding']);

type Json = Record<string, unknown>;

export interface ProxyApp {
  app: Hono;
  metrics: ServerMetrics;
  /** Resolves when every log write started so far has finished. */
  flush(): Promise<void>;
}

export function createProxyApp(options: ProxyOptions): ProxyApp {
  const app = new Hono();
  const metrics = new ServerMetrics();
  const upstream = options.upstream.replace(/\/+$/, '');
  const maxBodyBytes = options.maxBodyBytes ?? 10_000_000;
  const pending = new Set<Promise<void>>();
  /** Log branches of responses still streaming. */
  const branches = new Set<Promise<void>>();

  // Metrics label: the model only when the upstream accepted the request (callers can send any string).
  const label = (model: string | null, status: number) => (status < 400 ? model ?? '(none)' : '(failed)');
  const record = (log: RequestLogInput) => {
    metrics.observe({ model: label(log.model, log.status), status: log.status, latencyMs: log.latencyMs ?? 0, promptTokens: log.promptTokens ?? 0, completionTokens: log.completionTokens ?? 0 });
    if (!options.logs) return;
    const write = Promise.resolve()
      .then(() => options.logs!.insert(log))
      .then(
        () => undefined,
        (error: unknown) => console.error(`sling proxy: could not write the request log (the request itself succeeded): ${error instanceof Error ? error.message : String(error)}`),
      );
    pending.add(write);
    void write.finally(() => pending.delete(write));
  };

  app.onError((error) => errorResponse(error));
  app.get('/health', (c) => c.json({ status: 'ok', upstream }));
  app.get('/metrics', (c) => c.text(metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));

  app.all('/v1/*', async (c) => {
    const started = performance.now();
    const log = c.req.header('x-sling-log')?.trim().toLowerCase() !== 'false';
    const tags = parseTagsHeader(c.req.header('x-sling-tags'));
    const body = ['GET', 'HEAD'].includes(c.req.method) ? undefined : new Uint8Array(await c.req.arrayBuffer());
    if (body && body.length > maxBodyBytes) throw new ApiError(413, 'invalid_request_error', `request body larger than ${maxBodyBytes} bytes`, null, 'request_too_large', { connection: 'close' });
    let request: Json = {};
    try {
      if (body?.length) request = JSON.parse(new TextDecoder().decode(body)) as Json;
    } catch {
      request = { unparsed: true };
    }
    const headers = new Headers();
    c.req.raw.headers.forEach((value, name) => {
      if (!droppedRequestHeaders.has(name.toLowerCase())) headers.set(name, value);
    });
    const url = new URL(c.req.url);
    const target = `${upstream}${url.pathname.slice('/v1'.length)}${url.search}`;
    const base: Omit<RequestLogInput, 'status' | 'latencyMs' | 'promptTokens' | 'completionTokens' | 'response' | 'error' | 'details'> = {
      time: Date.now(),
      apiKeyId: null,
      endpoint: url.pathname,
      model: typeof request.model === 'string' ? request.model : null,
      request,
      tags,
    };
    const finish = (status: number, response: Json | null, error: string | null) => {
      const usage = (response?.usage ?? null) as { prompt_tokens?: number; completion_tokens?: number } | null;
      const promptTokens = usage?.prompt_tokens ?? null;
      const completionTokens = usage?.completion_tokens ?? null;
      const cost = options.pricing && promptTokens !== null && completionTokens !== null
        ? (promptTokens * options.pricing.inputPerMillion + completionTokens * options.pricing.outputPerMillion) / 1e6
        : null;
      const entry: RequestLogInput = {
        ...base, status, latencyMs: performance.now() - started, promptTokens, completionTokens, response, error,
        details: { source: 'proxy', adapter: null, cost, computeMs: null },
      };
      if (log) record(entry);
      else metrics.observe({ model: label(entry.model, status), status, latencyMs: entry.latencyMs ?? 0, promptTokens: promptTokens ?? 0, completionTokens: completionTokens ?? 0 });
    };

    let answer: Response;
    try {
      answer = await fetch(target, { method: c.req.method, headers, body, redirect: 'manual', signal: c.req.raw.signal });
    } catch (error) {
      const failure = new ApiError(502, 'server_error', `upstream ${upstream} could not be reached: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}`, null, 'upstream_unreachable');
      finish(502, null, failure.message);
      throw failure;
    }
    const responseHeaders = new Headers();
    answer.headers.forEach((value, name) => {
      if (!droppedResponseHeaders.has(name.toLowerCase())) responseHeaders.set(name, value);
    });
    if (!answer.body) {
      finish(answer.status, null, answer.ok ? null : answer.statusText);
      return new Response(null, { status: answer.status, headers: responseHeaders });
    }
    const [toClient, toLog] = answer.body.tee();
    const streamed = (answer.headers.get('content-type') ?? '').includes('text/event-stream');
    const branch = (async () => {
      const decoder = new TextDecoder();
      const reassembler = new StreamReassembler();
      let text = '';
      try {
        for await (const piece of toLog as unknown as AsyncIterable<Uint8Array>) {
          const decoded = decoder.decode(piece, { stream: true });
          if (streamed) reassembler.push(decoded);
          else text += decoded;
        }
      } catch (error) {
        finish(answer.status, null, `stream interrupted: ${toApiError(error).message}`);
        return;
      }
      if (streamed) {
        const error = reassembler.error ? String(reassembler.error.message ?? 'error in stream') : null;
        finish(answer.status, reassembler.result(), error);
        return;
      }
      let response: Json | null = null;
      try {
        response = JSON.parse(text + decoder.decode()) as Json;
      } catch {
        response = null;
      }
      const error = answer.ok ? null : String(((response?.error ?? {}) as Json).message ?? answer.statusText);
      finish(answer.status, answer.ok ? response : null, error);
    })();
    branches.add(branch);
    void branch.finally(() => branches.delete(branch));
    return new Response(toClient, { status: answer.status, headers: responseHeaders });
  });

  const flush = async () => {
    await Promise.all([...branches]);
    await Promise.all([...pending]);
  };
  return { app, metrics, flush };
}
