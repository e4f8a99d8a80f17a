/**
 * @module cli/commands/serve
 * `sling serve`: the OpenAI-compatible server for local base models and their adapters, with the dashboard.
 * Keys and request logs live in the workspace; without one, only `--no-auth` on loopback is possible.
 */
import type { Command } from 'commander';
import { basename, extname } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import { authenticate } from '../../platform/serve/auth.ts';
import { localModelSpec } from '../../platform/serve/local/local-runner.ts';
import { parseRateLimit, RateLimiter } from '../../platform/serve/rate-limiter.ts';
import { createServeStack } from '../../platform/serve/serve-stack.ts';
import { listen } from '../../platform/serve/server.ts';
import { openWorkspace, type Workspace } from '../../platform/workspace/index.ts';
import { mountDashboard } from '../../web/dashboard.ts';

interface ServeOptions {
  model: string[];
  adapters: string[];
  host: string;
  port: string;
  auth: boolean;
  rateLimit?: string;
  adapterMemory: string;
  maxBatch: string;
  ui: boolean;
}

/** `NAME=PATH`, or `PATH` named after its file (`tiny-random` names itself). */
export function parseModelOption(text: string): { name: string; path: string } {
  const separator = text.indexOf('=');
  if (separator > 0) return { name: text.slice(0, separator), path: text.slice(separator + 1) };
  return { name: basename(text, extname(text)) || text, path: text };
}

function number(text: string, field: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new SlingError('invalid_option', `${field} must be a non-negative number, got '${text}'`, { field });
  return value;
}

/** The workspace if there is one; null (not an error) when there is none. */
export async function optionalWorkspace(): Promise<Workspace | null> {
  try {
    return await openWorkspace();
  } catch (error) {
    if (SlingError.isInstance(error) && error.code === 'no_workspace') return null;
    throw error;
  }
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve base models and adapters over an OpenAI-compatible API, with the dashboard')
    .option('--model <spec>', 'base model NAME=PATH or PATH (HF folder, .gguf, llama2.c .bin, or tiny-random); repeatable', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--adapters <dir>', 'adapter folder, run directory, or folder of them; repeatable (finished workspace runs are always served)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '8080')
    .option('--no-auth', 'accept requests without an API key (refused unless --host is loopback)')
    .option('--rate-limit <rate>', 'default requests per key, e.g. 60/min (keys may have their own; default unlimited)')
    .option('--adapter-memory <MB>', 'memory budget for loaded adapters, least recently used evicted first', '512')
    .option('--max-batch <rows>', 'largest batch per forward pass', '16')
    .option('--no-ui', 'do not serve the dashboard')
    .action(async (options: ServeOptions) => {
      if (options.model.length === 0) {
        throw new SlingError('no_model', 'no model to serve', { field: '--model', hint: 'e.g. --model stories=../shared/data/stories260K/stories260K.gguf or --model tiny-random' });
      }
      const workspace = await optionalWorkspace();
      const maxBatchSize = number(options.maxBatch, '--max-batch');
      const stack = createServeStack({
        workspace,
        models: options.model.map(parseModelOption).map(({ name, path }) => localModelSpec(name, path, { maxBatchSize })),
        adapterRoots: options.adapters,
        auth: options.auth,
        defaultRateLimit: options.rateLimit ? parseRateLimit(options.rateLimit) : 0,
        adapterBudgetBytes: number(options.adapterMemory, '--adapter-memory') * 1024 * 1024,
        extend: (app, { registry, keys }) => {
          if (!options.ui || !workspace) return;
          const guard = keys ? authenticate({ keys, limiter: new RateLimiter(), defaultRateLimit: 0, rateLimit: false }) : undefined;
          mountDashboard(app, { store: workspace.store, registry, guard });
        },
      });
      const server = await listen(stack.app.fetch, { host: options.host, port: number(options.port, '--port'), auth: options.auth });
      const listings = await stack.registry.list();
      console.log(`Sling is serving on ${server.url}/v1 (${options.auth ? 'API keys required' : 'no auth, loopback only'})`);
      for (const listing of listings) console.log(`  model ${listing.id}`);
      if (options.ui && workspace) console.log(`Dashboard: ${server.url}/`);
      if (!workspace) console.log('No workspace: requests are not logged (run `sling init` to keep logs and keys).');
      const stop = async () => {
        await server.close();
        await stack.recorder.flush();
        await workspace?.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
