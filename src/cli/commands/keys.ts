/**
 * @module cli/commands/keys
 * `sling keys create|list|revoke`: bearer API keys for `sling serve` and the dashboard. The key is printed once
 * at creation; the workspace keeps only its sha256.
 */
import type { Command } from 'commander';
import { ApiKeyService } from '../../platform/serve/api-keys.ts';
import { parseRateLimit } from '../../platform/serve/rate-limiter.ts';
import { keyLimitsPath } from '../../platform/serve/serve-stack.ts';
import { openWorkspace } from '../../platform/workspace/index.ts';
import { SlingError } from '../../core/errors.ts';

async function withKeys<T>(work: (keys: ApiKeyService) => Promise<T>): Promise<T> {
  const workspace = await openWorkspace();
  try {
    return await work(new ApiKeyService(workspace.store.serving, keyLimitsPath(workspace)));
  } finally {
    await workspace.close();
  }
}

const date = (time: number | null) => (time === null ? '-' : new Date(time).toISOString().replace('T', ' ').slice(0, 19));

export function register(program: Command): void {
  const keys = program.command('keys').description('manage the API keys that `sling serve` accepts');

  keys
    .command('create')
    .description('create an API key (printed once; only its hash is stored)')
    .option('--name <name>', 'a label for the key', 'default')
    .option('--rate-limit <rate>', 'requests allowed per key, e.g. 60/min, 5/s, 1000/h (default: the server default)')
    .option('--json', 'print the key as JSON')
    .action(async (options: { name: string; rateLimit?: string; json?: boolean }) => {
      let perMinute: number | null = null;
      if (options.rateLimit !== undefined) {
        try {
          perMinute = parseRateLimit(options.rateLimit);
        } catch (error) {
          throw new SlingError('invalid_rate_limit', (error as Error).message, { field: '--rate-limit', hint: 'e.g. --rate-limit 60/min' });
        }
      }
      const { key, record } = await withKeys((service) => service.create({ name: options.name, rateLimitPerMinute: perMinute }));
      if (options.json) {
        console.log(JSON.stringify({ id: record.id, name: record.name, prefix: record.prefix, key, rateLimitPerMinute: perMinute }));
        return;
      }
      console.log(`Created API key ${record.id} "${record.name}"${perMinute === null ? '' : ` (${perMinute} requests/min)`}:`);
      console.log(`  ${key}`);
      console.log('Store it now: it is not shown again. Use it as `Authorization: Bearer <key>`.');
    });

  keys
    .command('list')
    .description('list API keys (never the keys themselves)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const records = await withKeys((service) => service.list());
      if (options.json) {
        console.log(JSON.stringify(records.map(({ keyHash: _hash, ...rest }) => rest)));
        return;
      }
      if (records.length === 0) return console.log('No API keys. Create one with `sling keys create --name NAME`.');
      console.log(['id', 'name', 'prefix', 'rate/min', 'created', 'last used', 'revoked'].join('\t'));
      for (const record of records) {
        console.log([record.id, record.name, `sling_${record.prefix}_…`, record.rateLimitPerMinute ?? 'default', date(record.createdAt), date(record.lastUsedAt), date(record.revokedAt)].join('\t'));
      }
    });

  keys
    .command('revoke')
    .argument('<key>', 'id, prefix or name of the key')
    .description('revoke an API key (requests with it get 401 from then on)')
    .action(async (which: string) => {
      const record = await withKeys((service) => service.revoke(which));
      console.log(`Revoked API key ${record.id} "${record.name}" (sling_${record.prefix}_…).`);
    });
}
