/**
 * @module cli/commands/compare
 * `sling compare EVAL...`: prints the models × metrics table (95% intervals, cost, latency) of one or more
 * stored evaluations and writes a self-contained HTML report with charts.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import { withWorkspace } from '../../platform/workspace/index.ts';
import { loadComparison } from '../../platform/eval/persist/stored-comparison.ts';
import { formatComparisonTable } from '../../platform/eval/report/table.ts';
import { renderHtmlReport } from '../../platform/eval/report/html-report.ts';

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare stored evaluations: table in the terminal, charts in an HTML report')
    .argument('<evaluations...>', 'evaluation ids (as printed by `sling eval`)')
    .option('--out <file>', 'HTML report path (default: comparison-<ids>.html)')
    .option('--title <text>', 'report title')
    .option('--no-html', 'print the table only')
    .option('--json', 'print the comparison as JSON')
    .action(async (ids: string[], options: { out?: string; title?: string; html: boolean; json?: boolean }) => {
      const evaluationIds = ids.map((id) => {
        const value = Number(id);
        if (!Number.isInteger(value) || value <= 0) throw new SlingError('invalid_option', `"${id}" is not an evaluation id`, { hint: 'evaluation ids are whole numbers, e.g. `sling compare 3 4`' });
        return value;
      });
      await withWorkspace(async (workspace) => {
        const comparison = await loadComparison(workspace.store, evaluationIds, options.title);
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
