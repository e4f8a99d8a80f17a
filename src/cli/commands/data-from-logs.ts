/**
 * @module cli/commands/data-from-logs
 * `sling data from-logs --name DATASET [--filter EXPR]...`: a dataset version from logged traffic (served or
 * proxied chat completions: request messages + the assistant's answer). It joins the `data` command group
 * that data.ts defines. This file sorts before data.ts ('-' < '.'), so it attaches itself once every command
 * is registered: right away if `data` already exists, else when commander dispatches to a subcommand.
 */
import type { Command } from 'commander';
import { SlingError } from '../../core/errors.ts';
import { datasetFromLogs } from '../../platform/serve/logs-to-dataset.ts';
import type { RequestLogFilter } from '../../platform/serve/request-logs.ts';
import { openWorkspace } from '../../platform/workspace/index.ts';

function time(value: string, field: string): number {
  const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(parsed)) throw new SlingError('invalid_option', `${field} must be a date (ISO 8601) or epoch milliseconds, got '${value}'`, { field: '--filter' });
  return parsed;
}

/**
 * Filter expressions, comma-separated or repeated: `model=NAME`, `tag.KEY=VALUE`, `since=DATE`, `until=DATE`,
 * `endpoint=PATH`. Every condition must hold.
 */
export function parseLogFilter(expressions: string[]): RequestLogFilter {
  const filter: RequestLogFilter = { tags: {} };
  for (const piece of expressions.flatMap((expression) => expression.split(',')).map((part) => part.trim()).filter(Boolean)) {
    const at = piece.indexOf('=');
    if (at <= 0) throw new SlingError('invalid_option', `filter '${piece}' is not KEY=VALUE`, { field: '--filter', hint: 'e.g. --filter model=tiny,tag.team=search,since=2026-01-01' });
    const key = piece.slice(0, at).trim();
    const value = piece.slice(at + 1).trim();
    if (key === 'model') filter.model = value;
    else if (key === 'endpoint') filter.endpoint = value;
    else if (key === 'since') filter.since = time(value, key);
    else if (key === 'until') filter.until = time(value, key);
    else if (key.startsWith('tag.') || key.startsWith('tags.')) filter.tags![key.slice(key.indexOf('.') + 1)] = value;
    else throw new SlingError('invalid_option', `unknown filter key '${key}'`, { field: '--filter', hint: 'use model, endpoint, since, until or tag.KEY' });
  }
  return filter;
}

export function register(program: Command): void {
  const attach = () => {
    const data = program.commands.find((command) => command.name() === 'data');
    if (data && !data.commands.some((command) => command.name() === 'from-logs')) addFromLogs(data);
  };
  attach();
  program.hook('preSubcommand', attach);
}

function addFromLogs(data: Command): void {
  data
    .command('from-logs')
    .description('make a dataset version from logged requests (request messages + the assistant answer)')
    .requiredOption('--name <dataset>', 'dataset to create or add a version to')
    .option('--filter <expr>', 'model=NAME, tag.KEY=VALUE, since=DATE, until=DATE, endpoint=PATH (comma-separated, repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--test-fraction <fraction>', 'share of rows for the test split')
    .option('--seed <n>', 'seed of the train/test split')
    .action(async (flags: { name: string; filter: string[]; testFraction?: string; seed?: string }) => {
      const workspace = await openWorkspace();
      try {
        const report = await datasetFromLogs(workspace.store, {
          name: flags.name,
          filter: parseLogFilter(flags.filter),
          testFraction: flags.testFraction === undefined ? undefined : Number(flags.testFraction),
          seed: flags.seed === undefined ? undefined : Number(flags.seed),
        });
        const skipped = Object.entries(report.skipped).map(([reason, count]) => `${count} ${reason}`).join(', ');
        if (!report.import) {
          console.log(`${report.logs} logs matched; none could become a row${skipped ? ` (skipped: ${skipped})` : ''}. No version was made.`);
          return;
        }
        const { dataset, version, imported, duplicates } = report.import;
        console.log(`${dataset.name} v${version.version}: ${version.rowCount} rows (${imported} new from ${report.logs} logs, ${duplicates} duplicates${skipped ? `; skipped: ${skipped}` : ''})`);
      } finally {
        await workspace.close();
      }
    });
}
