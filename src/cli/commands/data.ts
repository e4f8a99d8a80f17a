/** @module cli/commands/data — `sling data import|ls|show|split|filter|stats|export`: datasets and their versions. */
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { SlingError } from '../../core/errors.ts';
import { loadCheckpoint } from '../../engine/models/load-checkpoint.ts';
import {
  datasetStats,
  exportJsonl,
  filterRows,
  importFile,
  resolveVersion,
  resplit,
  type ImportFormat,
  type RowFilter,
} from '../../platform/data/index.ts';
import { withWorkspace } from '../../platform/workspace/index.ts';

function number(value: string, name: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new SlingError('invalid_option', `--${name} must be a number, got "${value}"`, { field: name });
  return parsed;
}

function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new SlingError('invalid_option', `--meta expects KEY=VALUE, got "${value}"`, { field: 'meta' });
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

function date(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

interface ImportFlags {
  name: string;
  format?: ImportFormat;
  inputColumn?: string;
  outputColumn?: string;
  labelColumn?: string;
  splitColumn?: string;
  instruction?: string;
  delimiter?: string;
  system?: string;
  skipInvalid?: boolean;
  testFraction?: string;
  seed?: string;
}

async function runImport(file: string, flags: ImportFlags): Promise<void> {
  const total = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  const bar = new SingleBar({ format: 'importing {bar} {percentage}% | {records} records', hideCursor: true }, Presets.shades_classic);
  if (process.stderr.isTTY) bar.start(total, 0, { records: 0 });
  const csv = flags.inputColumn
    ? {
        inputColumn: flags.inputColumn,
        outputColumn: flags.outputColumn,
        labelColumn: flags.labelColumn,
        splitColumn: flags.splitColumn,
        instruction: flags.instruction?.replace(/\\n/g, '\n'),
        delimiter: flags.delimiter,
      }
    : undefined;
  try {
    await withWorkspace(async ({ store }) => {
      const report = await importFile(store, file, {
        name: flags.name,
        format: flags.format ?? (csv ? 'csv' : undefined),
        csv,
        system: flags.system,
        skipInvalid: flags.skipInvalid,
        testFraction: flags.testFraction === undefined ? undefined : number(flags.testFraction, 'test-fraction'),
        seed: flags.seed === undefined ? undefined : number(flags.seed, 'seed'),
        onProgress: ({ records, bytesRead }) => bar.update(bytesRead, { records }),
      });
      bar.stop();
      console.log(
        `${report.dataset.name} v${report.version.version}: ${report.imported} rows imported, ${report.duplicates} duplicates dropped` +
          (report.invalid ? `, ${report.invalid} invalid rows skipped` : '') +
          ` (${report.version.rowCount} rows in this version)`,
      );
      for (const error of report.errors) console.log(`  skipped: ${error.message}`);
      if (report.invalid > report.errors.length) console.log(`  ... and ${report.invalid - report.errors.length} more`);
    });
  } finally {
    bar.stop();
  }
}

export function register(program: Command): void {
  // Other command files may add subcommands to `data` (e.g. data-from-logs.ts) and may load first: share the group.
  const data = program.commands.find((command) => command.name() === 'data') ?? program.command('data');
  data.description('import, inspect, split and export datasets');

  data
    .command('import')
    .argument('<file>', 'JSONL (OpenAI chat or prompt/completion) or CSV/TSV file')
    .requiredOption('--name <name>', 'dataset to create (or to add a new version to)')
    .option('--format <format>', 'chat | prompt-completion | csv (default: from the file)')
    .option('--input-column <column>', 'CSV: column with the input (user message)')
    .option('--output-column <column>', 'CSV: column with the answer to learn')
    .option('--label-column <column>', 'CSV: column with the class (classification)')
    .option('--split-column <column>', 'CSV: column with TRAIN/TEST')
    .option('--instruction <template>', 'CSV: wraps the input, e.g. "Classify as spam or ham:\\n{input}"')
    .option('--delimiter <char>', 'CSV: field separator (default: tab for .tsv, comma otherwise)')
    .option('--system <prompt>', 'system prompt for rows that have none')
    .option('--skip-invalid', 'skip and count invalid rows instead of failing')
    .option('--test-fraction <share>', 'share of rows without a given split that go to test (default 0.1)')
    .option('--seed <n>', 'seed for the train/test split (default 0)')
    .description('import a file as a new dataset version (all or nothing)')
    .action(runImport);

  data
    .command('ls')
    .description('list datasets')
    .action(() =>
      withWorkspace(async ({ store }) => {
        const datasets = await store.datasets.listDatasets();
        if (datasets.length === 0) return console.log('no datasets yet (sling data import FILE --name NAME)');
        for (const dataset of datasets) {
          console.log(`${dataset.name.padEnd(24)} v${String(dataset.latestVersion).padEnd(4)} ${String(dataset.rowCount).padStart(8)} rows  ${date(dataset.createdAt)}`);
        }
      }),
    );

  data
    .command('show')
    .argument('<dataset>', 'NAME or NAME@VERSION')
    .option('--rows <n>', 'how many rows to print', '3')
    .description('show a dataset: its versions and the first rows')
    .action((reference: string, flags: { rows: string }) =>
      withWorkspace(async ({ store }) => {
        const { dataset, version } = await resolveVersion(store, reference);
        console.log(`${dataset.name}${dataset.description ? ` — ${dataset.description}` : ''}`);
        for (const item of await store.datasets.listVersions(dataset.id)) {
          const marker = item.id === version.id ? '*' : ' ';
          console.log(`${marker} v${item.version}  ${String(item.rowCount).padStart(8)} rows  ${date(item.createdAt)}  ${item.change}`);
        }
        for (const row of await store.datasets.readRows(version.id, { limit: number(flags.rows, 'rows') })) {
          console.log(JSON.stringify({ split: row.split, label: row.label, messages: row.messages, metadata: row.metadata }));
        }
      }),
    );

  data
    .command('split')
    .argument('<dataset>', 'NAME or NAME@VERSION')
    .option('--test-fraction <share>', 'share of rows (per label) that go to test', '0.1')
    .option('--seed <n>', 'seed', '0')
    .description('re-split train/test into a new version (rows whose split came from the source keep it)')
    .action((reference: string, flags: { testFraction: string; seed: string }) =>
      withWorkspace(async ({ store }) => {
        const version = await resplit(store, reference, { testFraction: number(flags.testFraction, 'test-fraction'), seed: number(flags.seed, 'seed') });
        console.log(`v${version.version}: ${version.change}`);
      }),
    );

  data
    .command('filter')
    .argument('<dataset>', 'NAME or NAME@VERSION')
    .option('--meta <key=value>', 'keep rows whose metadata has this value (repeatable)', keyValue)
    .option('--min-chars <n>', 'keep rows with at least this many characters')
    .option('--max-chars <n>', 'keep rows with at most this many characters')
    .option('--split <split>', 'keep one split: train or test')
    .option('--label <label>', 'keep one label')
    .description('keep only matching rows, as a new version')
    .action((reference: string, flags: { meta?: Record<string, string>; minChars?: string; maxChars?: string; split?: string; label?: string }) =>
      withWorkspace(async ({ store }) => {
        if (flags.split && flags.split !== 'train' && flags.split !== 'test') {
          throw new SlingError('invalid_option', `--split must be train or test, got "${flags.split}"`, { field: 'split' });
        }
        const filter: RowFilter = {
          metadata: flags.meta,
          minChars: flags.minChars === undefined ? undefined : number(flags.minChars, 'min-chars'),
          maxChars: flags.maxChars === undefined ? undefined : number(flags.maxChars, 'max-chars'),
          split: flags.split as RowFilter['split'],
          label: flags.label,
        };
        const version = await filterRows(store, reference, filter);
        console.log(`v${version.version}: ${version.rowCount} rows (${version.change})`);
      }),
    );

  data
    .command('stats')
    .argument('<dataset>', 'NAME or NAME@VERSION')
    .option('--json', 'print JSON')
    .option('--tokenizer <model>', "also count tokens with this model's tokenizer (model folder, .gguf or llama2.c .bin)")
    .description('rows per split, label distribution, lengths')
    .action((reference: string, flags: { json?: boolean; tokenizer?: string }) =>
      withWorkspace(async ({ store }) => {
        const tokenizer = flags.tokenizer ? (await loadCheckpoint(flags.tokenizer)).tokenizer : undefined;
        const stats = await datasetStats(store, reference, { tokenize: tokenizer && ((text) => tokenizer.encode(text)) });
        if (flags.json) return console.log(JSON.stringify(stats, null, 2));
        console.log(`${stats.name} v${stats.version}: ${stats.rows} rows (train ${stats.splits.train}, test ${stats.splits.test})`);
        for (const [label, counts] of Object.entries(stats.labels)) {
          console.log(`  label ${label.padEnd(20)} train ${String(counts.train).padStart(7)}  test ${String(counts.test).padStart(7)}`);
        }
        const c = stats.characters;
        console.log(`  characters per row: min ${c.min}, median ${c.median}, mean ${c.mean.toFixed(1)}, p95 ${c.p95}, max ${c.max}`);
        const t = stats.tokens;
        if (t) console.log(`  tokens per row:     min ${t.min}, median ${t.median}, mean ${t.mean.toFixed(1)}, p95 ${t.p95}, max ${t.max}`);
      }),
    );

  data
    .command('export')
    .argument('<dataset>', 'NAME or NAME@VERSION')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option('--split <split>', 'only train or test')
    .option('--messages-only', 'bare {"messages": [...]} lines (no split, label, metadata)')
    .description('export as OpenAI chat JSONL')
    .action((reference: string, flags: { output?: string; split?: 'train' | 'test'; messagesOnly?: boolean }) =>
      withWorkspace(async ({ store }) => {
        const out = flags.output ? createWriteStream(flags.output) : process.stdout;
        const count = await exportJsonl(store, reference, out, { split: flags.split, messagesOnly: flags.messagesOnly });
        if (flags.output) {
          out.end();
          await once(out, 'finish');
          console.error(`wrote ${count} rows to ${flags.output}`);
        }
      }),
    );
}
