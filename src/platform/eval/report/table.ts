/**
 * @module platform/eval/report/table
 * The comparison as a plain-text table for the terminal: one line per model, metrics with their 95%
 * intervals, then cost, latency, tokens and errors; the win-rate matrix follows when there is one.
 */
import { metricNames, type Comparison } from './comparison.ts';
import { formatCount, formatDollars, formatInterval, formatMilliseconds } from './format.ts';

function renderGrid(header: string[], body: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...body.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)].join('\n');
}

export function formatComparisonTable(comparison: Comparison): string {
  const metrics = metricNames(comparison.models);
  const showEvaluation = new Set(comparison.models.map((model) => model.evaluation)).size > 1;
  const header = ['model', 'kind', ...(showEvaluation ? ['eval'] : []), ...metrics, 'cost', 'p50', 'p95', 'tokens in/out', 'errors'];
  const body = comparison.models.map((model) => [
    model.model,
    model.kind,
    ...(showEvaluation ? [model.evaluation ?? ''] : []),
    ...metrics.map((name) => formatInterval(model.metrics[name])),
    formatDollars(model.cost),
    formatMilliseconds(model.latencyMs.p50),
    formatMilliseconds(model.latencyMs.p95),
    `${formatCount(model.tokens.input)}/${formatCount(model.tokens.output)}`,
    String(model.errors),
  ]);
  const parts = [`${comparison.title} (${comparison.task.kind}, ${comparison.models[0]?.rows ?? 0} rows; 95% bootstrap intervals)`, renderGrid(header, body)];
  if (comparison.winRate) {
    const { models, rates, unparsed, judge } = comparison.winRate;
    const grid = renderGrid(
      ['win rate (row vs column)', ...models],
      models.map((model, i) => [model, ...rates[i].map((rate) => (Number.isNaN(rate) ? '—' : rate.toFixed(3)))]),
    );
    parts.push(`Head-to-head, judged by ${judge}${unparsed ? ` (${unparsed} unparsed verdicts left out)` : ''}:\n${grid}`);
  }
  return parts.join('\n\n');
}
