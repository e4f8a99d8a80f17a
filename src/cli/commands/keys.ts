/**
 * @module cli/commands/keys
 * `sling keys create|list|revoke`: bearer API keys for `sling serve` and the dashboard. The key is printed once
 * at creation; the workspace keeps only its sha256.
 */
import type { Command } from 'commander';
import { ApiKeyService } from '../../platform/serve/api-keys.ts';
import { parseRateLimit } from '../../platform/serve/rate-limiter.ts';
import { openWorkspace } from '../../platform/workspace/index.ts';
import { SlingError } from '../../core/errors.ts';

async function withKeys<T>(work: (keys: ApiKeyService) => Promise<T>): Promise<T> {
  const workspace = await openWorkspace();
  try {
    return await work(new ApiKeyService(workspace.store.serving));
  } finally {
    await workspace.close();
  }
}

/** `--rate-limit` text → requests per minute, with the option named in the error. */
function rateFromOption(text: string, field: string): number {
  try {
    return parseRateLimit(text);
  } catch (error) {
    throw new SlingError('invalid_rate_limit', (error as Error).message, { field, hint: 'e.g. 60/min, 5/s or 1000/h' });
  }
}

const rate = (perMinute: number | null) => (perMinute === null ? 'default' : perMinute === 0 ? 'unlimited' : String(Number(perMinute.toPrecision(4))));

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
      const perMinute = options.rateLimit === undefined ? null : rateFromOption(options.rateLimit, '--rate-limit');
      const { key, record } = await withKeys((service) => service.create({ name: options.name, rateLimitPerMinute: perMinute }));
      if (options.json) {
        console.log(JSON.stringify({ id: record.id, name: record.name, prefix: record.prefix, key, rateLimitPerMinute: perMinute }));
        return;
      }
      console.log(`Created API key ${record.id} "${record.name}"${perMinute === null ? '' : ` (${rate(perMinute)} requests/min)`}:`);
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
        console.log([record.id, record.name, `sling_${record.prefix}_…`, rate(record.rateLimitPerMinute), date(record.createdAt), date(record.lastUsedAt), date(record.revokedAt)].join('\t'));
      }
    });

  keys
    .command('limit')
    .argument('<key>', 'id, prefix or name of the key')
    .argument('<rate>', "requests allowed, e.g. 60/min, 5/s, 1000/h; 0 = unlimited; 'default' = the server default")
    .description("change a key's rate limit (running servers pick it up within seconds)")
    .action(async (which: string, text: string) => {
      const perMinute = text.trim().toLowerCase() === 'default' ? null : rateFromOption(text, '<rate>');
      const record = await withKeys((service) => service.setRateLimit(which, perMinute));
      console.log(`API key ${record.id} "${record.name}": ${perMinute === null ? 'server default rate limit' : `${rate(perMinute)} requests/min`}.`);
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
