/**
 * @module web/dashboard
 * The web dashboard: static pages (plain HTML + ES modules, no bundler) under `/`, Chart.js served from
 * node_modules as its UMD build, and the JSON API under `/api`. `sling serve` mounts it next to the OpenAI
 * API; `sling ui` serves it alone. When the server has API keys, `/api` needs one too (the page asks for it).
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelRegistry } from '../platform/serve/model-registry.ts';
import type { Store } from '../platform/store/store.ts';
import { registerDatasetsApi } from './api/datasets-api.ts';
import { registerEvaluationsApi } from './api/evaluations-api.ts';
import { missing } from './api/http.ts';
import { registerLogsApi } from './api/logs-api.ts';
import { registerRunsApi } from './api/runs-api.ts';
import { registerSweepsApi } from './api/sweeps-api.ts';

export interface DashboardOptions {
  store: Store;
  /** Models the playground can talk to (absent under `sling ui` without models). */
  registry?: ModelRegistry;
  /** Guards `/api` (the server's bearer-key check); absent = open (loopback only). */
  guard?: MiddlewareHandler<any>;
}

const staticRoot = join(dirname(fileURLToPath(import.meta.url)), 'static');
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function chartJsPath(): string {
  // The package's export map hides dist/, so find it from the entry point's folder.
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return join(dirname(entry), 'chart.umd.min.js');
}

function staticFile(relative: string): Response | null {
  const path = normalize(join(staticRoot, relative));
  if (!path.startsWith(staticRoot + sep)) return null;
  try {
    return new Response(readFileSync(path), {
      headers: { 'content-type': contentTypes[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-cache' },
    });
  } catch {
    return null;
  }
}

export function mountDashboard(app: Hono<any>, options: DashboardOptions): void {
  const chartJs = readFileSync(chartJsPath());
  app.get('/', () => staticFile('index.html')!);
  app.get('/ui/*', (c) => staticFile(c.req.path.slice('/ui/'.length)) ?? Response.json(missing('file').body(), { status: 404 }));
  app.get('/vendor/chart.umd.min.js', () => new Response(chartJs, { headers: { 'content-type': contentTypes['.js'] } }));

  app.get('/api/info', (c) => c.json({ auth: Boolean(options.guard), playground: Boolean(options.registry) }));
  if (options.guard) app.use('/api/*', options.guard);
  app.get('/api/models', async (c) => c.json({ models: options.registry ? await options.registry.list() : [] }));
  registerDatasetsApi(app, options.store);
  registerRunsApi(app, options.store);
  registerSweepsApi(app, options.store);
  registerEvaluationsApi(app, options.store);
  registerLogsApi(app, options.store);
}
