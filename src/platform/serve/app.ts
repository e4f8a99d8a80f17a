/**
 * @module platform/serve/app
 * The HTTP application of `sling serve`: the OpenAI-compatible API under /v1 (authenticated, rate-limited,
 * logged), `/health`, `/metrics`, and whatever extra routes the caller mounts (the dashboard and its /api).
 * Building the app is separate from listening (./server.ts), so tests and `sling ui` compose it freely.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError, toApiError } from './openai-errors.ts';
import { requestLimits } from './openai-schemas.ts';
import { authenticate } from './auth.ts';
import { ExchangeRecorder, type ServeEnv } from './exchange-log.ts';
import { ServerMetrics } from './metrics.ts';
import type { ModelRegistry } from './model-registry.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { ApiKeyService } from './api-keys.ts';
import type { RequestLogRepository } from './request-logs.ts';
import { registerOpenAiRoutes } from './routes/openai-routes.ts';

export interface ServeAppOptions {
  registry: ModelRegistry;
  /** null = no authentication (the server only allows that on loopback). */
  keys: ApiKeyService | null;
  /** null = requests are not logged (no workspace). */
  logs: RequestLogRepository | null;
  /** Requests per minute for keys without their own limit; 0 = unlimited. */
  defaultRateLimit?: number;
  dollarsPerCpuHour?: number;
  /** Mounts more routes (the dashboard) on the app before the fallbacks. */
  extend?: (app: Hono<ServeEnv>) => void;
}

export interface ServeApp {
  app: Hono<ServeEnv>;
  metrics: ServerMetrics;
  recorder: ExchangeRecorder;
}

export function errorResponse(error: unknown): Response {
  const apiError = toApiError(error);
  if (apiError.status >= 500) console.error(`sling serve: ${apiError.message}`);
  return new Response(JSON.stringify(apiError.body()), {
    status: apiError.status,
    headers: { 'content-type': 'application/json', ...apiError.headers },
  });
}

export function createServeApp(options: ServeAppOptions): ServeApp {
  const app = new Hono<ServeEnv>();
  const metrics = new ServerMetrics();
  const recorder = new ExchangeRecorder({ source: 'serve', logs: options.logs, metrics });

  app.onError((error, c) => {
    const exchange = c.get('exchange');
    if (exchange) exchange.error = toApiError(error).message;
    return errorResponse(error);
  });
  app.notFound(() => errorResponse(new ApiError(404, 'not_found_error', 'no such route', null, 'unknown_url')));

  app.get('/health', async (c) => c.json({ status: 'ok', models: options.registry.baseNames() }));
  app.get('/metrics', async (c) => {
    const schedulers = await options.registry.loadedSchedulers();
    const lines = ['# HELP sling_batches_total Generation batches run, by base model.', '# TYPE sling_batches_total counter'];
    for (const [name, scheduler] of schedulers) lines.push(`sling_batches_total{model="${name}"} ${scheduler.stats.batches}`);
    lines.push('# HELP sling_batch_rows_total Requests generated in batches, by base model.', '# TYPE sling_batch_rows_total counter');
    for (const [name, scheduler] of schedulers) lines.push(`sling_batch_rows_total{model="${name}"} ${scheduler.stats.rows}`);
    lines.push('# HELP sling_adapters_loaded Adapters held in memory.', '# TYPE sling_adapters_loaded gauge');
    lines.push(`sling_adapters_loaded ${options.registry.adapters.keys().length}`);
    return c.text(metrics.render() + lines.join('\n') + '\n', 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  app.use('/v1/*', recorder.middleware());
  const limitTo = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        // The rest of the body is never read, so the connection cannot be reused: say so, or keep-alive clients
        // send their next request into a socket the server is closing.
        throw new ApiError(413, 'invalid_request_error', `request body larger than ${maxSize} bytes`, null, 'request_too_large', { connection: 'close' });
      },
    });
  const apiLimit = limitTo(requestLimits.maxBodyBytes);
  const uploadLimit = limitTo(requestLimits.maxUploadBytes);
  app.use('/v1/*', (c, next) => (c.req.method === 'POST' && c.req.path === '/v1/files' ? uploadLimit : apiLimit)(c, next));
  app.use('/v1/*', authenticate({ keys: options.keys, limiter: new RateLimiter(), defaultRateLimit: options.defaultRateLimit ?? 0 }));
  registerOpenAiRoutes(app, { registry: options.registry, recorder, dollarsPerCpuHour: options.dollarsPerCpuHour });
  options.extend?.(app);
  return { app, metrics, recorder };
}
