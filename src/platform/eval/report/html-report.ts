/**
 * @module platform/eval/report/html-report
 * The comparison as one self-contained HTML file: summary table, metric bars with 95% intervals, latency,
 * training loss curves, confusion matrices (label tasks) and the head-to-head win-rate matrix. Chart.js is
 * inlined, so the file opens offline and can be mailed or attached to an issue as is.
 */
import { chartJsBundle } from './chart-bundle.ts';
import { metricNames, type Comparison } from './comparison.ts';
import { formatCount, formatDollars, formatInterval, formatMilliseconds } from './format.ts';
import { REPORT_SCRIPT } from './report-script.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_key, item) => (typeof item === 'number' && !Number.isFinite(item) ? null : item)).replace(/</g, '\\u003c');
}

/** A table whose cells are shaded by value in [0, 1]: a heat map without a charting plugin. */
function heatTable(corner: string, rowLabels: string[], columnLabels: string[], cells: (number | null)[][], text: (row: number, column: number) => string): string {
  const head = `<tr><th>${escapeHtml(corner)}</th>${columnLabels.map((label) => `<th>${escapeHtml(label)}</th>`).join('')}</tr>`;
  const body = rowLabels
    .map((label, row) => {
      const tds = columnLabels.map((_, column) => {
        const value = cells[row][column];
        const shade = value === null || Number.isNaN(value) ? 'background:#f3f4f6' : `background:rgba(37,99,235,${(0.08 + 0.8 * value).toFixed(3)});color:${value > 0.7 ? '#fff' : '#111'}`;
        return `<td style="${shade}">${escapeHtml(text(row, column))}</td>`;
      });
      return `<tr><th>${escapeHtml(label)}</th>${tds.join('')}</tr>`;
    })
    .join('');
  return `<table class="heat">${head}${body}</table>`;
}

function summaryTable(comparison: Comparison, metrics: string[]): string {
  const head = ['model', 'kind', ...metrics, 'cost', 'latency p50', 'latency p95', 'tokens in / out', 'errors'];
  const rows = comparison.models.map((model) =>
    [
      `${escapeHtml(model.model)}${model.evaluation ? `<div class="sub">${escapeHtml(model.evaluation)}</div>` : ''}`,
      model.kind,
      ...metrics.map((name) => formatInterval(model.metrics[name])),
      formatDollars(model.cost),
      formatMilliseconds(model.latencyMs.p50),
      formatMilliseconds(model.latencyMs.p95),
      `${formatCount(model.tokens.input)} / ${formatCount(model.tokens.output)}`,
      String(model.errors),
    ].map((cell, index) => {
      if (index === 0) return `<td>${cell}</td>`;
      // Value on top, interval below in small type: keeps wide metric sets inside the page.
      const interval = /^(\S+) (\[.*\])$/.exec(cell);
      return interval ? `<td>${escapeHtml(interval[1])}<div class="sub">${escapeHtml(interval[2])}</div></td>` : `<td>${escapeHtml(cell)}</td>`;
    }).join(''),
  );
  return `<table class="summary"><tr>${head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr>${rows.map((row) => `<tr>${row}</tr>`).join('')}</table>`;
}

function confusionSection(comparison: Comparison): string {
  const blocks = comparison.models
    .filter((model) => model.confusion)
    .map((model) => {
      const matrix = model.confusion!;
      const totals = matrix.counts.map((row) => row.reduce((sum, count) => sum + count, 0));
      const shares = matrix.counts.map((row, i) => row.map((count) => (totals[i] ? count / totals[i] : null)));
      return `<div class="matrix"><h3>${escapeHtml(model.model)}</h3>${heatTable('reference ↓ / predicted →', matrix.labels, matrix.predictedLabels, shares, (row, column) => String(matrix.counts[row][column]))}</div>`;
    });
  return blocks.length ? `<h2>Confusion matrices</h2><p class="note">Counts; shading is the share of each reference label's rows. “(none)” = no label found in the answer.</p><div class="matrices">${blocks.join('')}</div>` : '';
}

function winRateSection(comparison: Comparison): string {
  if (!comparison.winRate) return '';
  const { models, rates, counts, judge, unparsed } = comparison.winRate;
  const cells = rates.map((row) => row.map((rate) => (Number.isNaN(rate) ? null : rate)));
  const table = heatTable('row beats column', models, models, cells, (row, column) =>
    Number.isNaN(rates[row][column]) ? '—' : `${(rates[row][column] * 100).toFixed(0)}% (${counts[row][column]})`,
  );
  return `<h2>Head-to-head win rates</h2><p class="note">Judge: ${escapeHtml(judge)}. Share of comparisons the row model won against the column model (ties count half; answer order randomized per comparison; number of comparisons in brackets${unparsed ? `; ${unparsed} unparsed verdicts left out` : ''}).</p>${table}`;
}

export function renderHtmlReport(comparison: Comparison): string {
  const metrics = metricNames(comparison.models);
  const data = {
    metrics,
    models: comparison.models.map((model) => ({ name: model.model, metrics: model.metrics, p50: model.latencyMs.p50, p95: model.latencyMs.p95 })),
    lossCurves: comparison.lossCurves,
  };
  const loss = comparison.lossCurves.length
    ? '<h2>Training loss</h2><div class="chart"><canvas id="loss-chart"></canvas></div>'
    : '<h2>Training loss</h2><p class="note">No training runs are linked to these models.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(comparison.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1120px;color:#111827;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}h3{font-size:14px;margin:8px 0}
.meta,.note,.sub{color:#6b7280;font-size:13px}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #e5e7eb;padding:5px 8px;text-align:right;white-space:nowrap}th{background:#f9fafb;white-space:normal}td:first-child,th:first-child{text-align:left}
.summary{width:100%}.scroll{overflow-x:auto}.heat td{min-width:64px;text-align:center}.matrices{display:flex;flex-wrap:wrap;gap:24px}
.chart{position:relative;height:340px}.charts{display:grid;grid-template-columns:3fr 2fr;gap:24px}
</style></head><body>
<h1>${escapeHtml(comparison.title)}</h1>
<div class="meta">Task: ${escapeHtml(comparison.task.kind)}${comparison.dataset ? ` · dataset ${escapeHtml(comparison.dataset)}` : ''} · ${comparison.models[0]?.rows ?? 0} test rows · generated ${escapeHtml(comparison.createdAt)} · intervals are 95% bootstrap (1000 resamples)</div>
<h2>Summary</h2><div class="scroll">${summaryTable(comparison, metrics)}</div>
<div class="charts"><div><h2>Metrics</h2><div class="chart"><canvas id="metric-chart"></canvas></div></div>
<div><h2>Latency</h2><div class="chart"><canvas id="latency-chart"></canvas></div></div></div>
${loss}
${confusionSection(comparison)}
${winRateSection(comparison)}
<script>${chartJsBundle()}</script>
<script>const REPORT = ${scriptJson(data)};</script>
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}
