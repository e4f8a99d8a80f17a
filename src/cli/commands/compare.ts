/**
 * @module cli/commands/compare
 * `sling compare EVAL...`: prints the models × metrics table (95% intervals, cost, latency) of one or more
 * stored evaluations and writes a self-contained HTML report with charts; `--judge` adds head-to-head win
 * rates across the evaluations, judged on the rows all compared models answered.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import { withWorkspace } from '../../platform/workspace/index.ts';
import { loadComparison } from '../../platform/eval/persist/stored-comparison.ts';
import { formatComparisonTable } from '../../platform/eval/report/table.ts';
import { renderHtmlReport } from '../../platform/eval/report/html-report.ts';
import { judgeAcrossEvaluations } from '../../platform/eval/persist/cross-judge.ts';
import { resolveModelSpec } from '../../platform/eval/persist/model-specs.ts';
import type { EvalRow } from '../../platform/eval/eval-row.ts';

interface CompareOptions {
  out?: string;
  title?: string;
  html: boolean;
  json?: boolean;
  judge?: string;
  judgeLimit?: string;
  apiKeyEnv?: string;
  seed: string;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare stored evaluations: table in the terminal, charts in an HTML report')
    .argument('<evaluations...>', 'evaluation ids (as printed by `sling eval`)')
    .option('--out <file>', 'HTML report path (default: comparison-<ids>.html)')
    .option('--title <text>', 'report title')
    .option('--no-html', 'print the table only')
    .option('--json', 'print the comparison as JSON')
    .option('--judge <model>', 'judge all compared models head-to-head on their shared rows (workspace model, openai:MODEL@URL, baseline:rouge-judge)')
    .option('--judge-limit <n>', 'judge at most n shared rows')
    .option('--api-key-env <VAR>', 'environment variable with the API key for an openai: judge')
    .option('--seed <n>', 'seed for the judge\'s answer-order swaps', '0')
    .action(async (ids: string[], options: CompareOptions) => {
      const evaluationIds = ids.map((id) => {
        const value = Number(id);
        if (!Number.isInteger(value) || value <= 0) throw new SlingError('invalid_option', `"${id}" is not an evaluation id`, { hint: 'evaluation ids are whole numbers, e.g. `sling compare 3 4`' });
        return value;
      });
      await withWorkspace(async (workspace) => {
        const { modelNames, ...comparison } = await loadComparison(workspace.store, evaluationIds, options.title);
        if (options.judge) {
          const store = workspace.store;
          const first = await store.evaluations.require(evaluationIds[0]);
          const trainRows = async (): Promise<EvalRow[]> => {
            const rows: EvalRow[] = [];
            if (first.datasetVersionId === null) return rows;
            for await (const row of store.datasets.iterateRows(first.datasetVersionId, { split: 'train' })) rows.push({ messages: row.messages, split: 'train', label: row.label ?? undefined });
            return rows;
          };
          const judge = await resolveModelSpec(options.judge, { store, trainRows, apiKeyEnv: options.apiKeyEnv });
          const limit = options.judgeLimit === undefined ? undefined : Number(options.judgeLimit);
          if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new SlingError('invalid_option', '--judge-limit must be a positive whole number', { field: '--judge-limit' });
          const { rows, ...winRate } = await judgeAcrossEvaluations(store, evaluationIds, modelNames, judge, { seed: Number(options.seed), limit });
          comparison.winRate = winRate;
          process.stderr.write(`judged ${rows} shared rows with ${judge.name}\n`);
        }
        if (options.json) console.log(JSON.stringify(comparison));
        else console.log(formatComparisonTable(comparison));
        if (options.html) {
          const out = resolve(options.out ?? `comparison-${evaluationIds.join('-')}.html`);
          writeFileSync(out, renderHtmlReport(comparison));
          if (!options.json) console.log(`\nHTML report: ${out}`);
        }
      });
    });
}
