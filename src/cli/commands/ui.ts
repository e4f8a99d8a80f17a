/**
 * @module cli/commands/ui
 * `sling ui`: the dashboard on its own (datasets, runs, evaluations, request logs) for the current workspace.
 * The playground needs models, so it is available under `sling serve` only.
 */
import type { Command } from 'commander';
import { Hono } from 'hono';
import { SlingError } from '../../core/errors.ts';
import { errorResponse } from '../../platform/serve/app.ts';
import { ApiKeyService } from '../../platform/serve/api-keys.ts';
import { authenticate } from '../../platform/serve/auth.ts';
import { RateLimiter } from '../../platform/serve/rate-limiter.ts';
import { listen } from '../../platform/serve/server.ts';
import { openWorkspace } from '../../platform/workspace/index.ts';
import { mountDashboard } from '../../web/dashboard.ts';

export function register(program: Command): void {
  program
    .command('ui')
    .description('open the dashboard for this workspace (datasets, runs, evaluations, request logs)')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '8090')
    .option('--no-auth', 'no API key needed for the dashboard API (refused unless --host is loopback)')
    .action(async (options: { host: string; port: string; auth: boolean }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0) throw new SlingError('invalid_option', `--port must be a port number, got '${options.port}'`, { field: '--port' });
      const workspace = await openWorkspace();
      const app = new Hono();
      app.onError((error) => errorResponse(error));
      const keys = options.auth ? new ApiKeyService(workspace.store.serving) : null;
      const guard = keys ? authenticate({ keys, limiter: new RateLimiter(), defaultRateLimit: 0, rateLimit: false }) : undefined;
      mountDashboard(app, { store: workspace.store, guard });
      const server = await listen(app.fetch, { host: options.host, port, auth: options.auth });
      console.log(`Sling dashboard: ${server.url}/${keys ? ' (the page asks for an API key: `sling keys create`)' : ''}`);
      const stop = async () => {
        await server.close();
        await workspace.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
