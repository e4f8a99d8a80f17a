/**
 * @module cli/commands/proxy
 * `sling proxy --upstream URL`: an OpenAI-compatible logging proxy. Point an existing app's base URL at it
 * (keeping its own provider key) and every request and answer lands in the workspace's request logs, ready
 * for `sling data from-logs`.
 */
import type { Command } from 'commander';
import { SlingError } from '../../core/errors.ts';
import { createProxyApp } from '../../platform/serve/proxy/proxy-app.ts';
import { RequestLogRepository } from '../../platform/serve/request-logs.ts';
import { listen } from '../../platform/serve/server.ts';
import { optionalWorkspace } from './serve.ts';

interface ProxyFlags {
  upstream: string;
  host: string;
  port: string;
  priceInput?: string;
  priceOutput?: string;
}

function price(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new SlingError('invalid_option', `${field} must be dollars per million tokens, got '${text}'`, { field });
  return value;
}

export function register(program: Command): void {
  program
    .command('proxy')
    .description('forward OpenAI-compatible requests to an upstream provider and log them for training data')
    .requiredOption('--upstream <url>', 'upstream API base URL including the version, e.g. https://api.openai.com/v1')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '8081')
    .option('--price-input <dollars>', 'upstream price per million input tokens (for the cost column)')
    .option('--price-output <dollars>', 'upstream price per million output tokens')
    .action(async (flags: ProxyFlags) => {
      try {
        new URL(flags.upstream);
      } catch {
        throw new SlingError('invalid_option', `--upstream is not a URL: '${flags.upstream}'`, { field: '--upstream' });
      }
      const inputPrice = price(flags.priceInput, '--price-input');
      const outputPrice = price(flags.priceOutput, '--price-output');
      const workspace = await optionalWorkspace();
      const proxy = createProxyApp({
        upstream: flags.upstream,
        logs: workspace ? new RequestLogRepository(workspace.store.runner) : null,
        pricing: inputPrice !== undefined || outputPrice !== undefined ? { inputPerMillion: inputPrice ?? 0, outputPerMillion: outputPrice ?? 0 } : undefined,
      });
      // The proxy holds no keys of its own (callers send their upstream key), so it binds like an auth'd server.
      const server = await listen(proxy.app.fetch, { host: flags.host, port: Number(flags.port), auth: true });
      console.log(`Sling proxy on ${server.url}/v1 → ${flags.upstream}`);
      console.log(workspace ? `Logging to the workspace in ${workspace.root} (opt out per request with x-sling-log: false)` : 'No workspace: forwarding without logging (run `sling init` to keep logs).');
      const stop = async () => {
        await server.close();
        await proxy.flush();
        await workspace?.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
