// @module web/static/pages/evaluations — comparison table with 95% intervals, head-to-head win rates, outputs side by side.
import { getJson } from '../api.js';
import { formatInterval, formatNumber, formatTime, h, table } from '../dom.js';

export async function render(root, [id, score]) {
  if (!id) return renderList(root);
  return renderEvaluation(root, id, score);
}

async function renderList(root) {
  const { evaluations } = await getJson('/api/evaluations');
  root.append(
    h('h1', {}, 'Evaluations'),
    table(['evaluation', 'status', 'models', 'created'], evaluations.map((evaluation) =>
      h('tr', {},
        h('td', {}, h('a', { href: `#/evaluations/${evaluation.id}` }, `#${evaluation.id} ${evaluation.name}`)),
        h('td', {}, h('span', { className: `status ${evaluation.status}` }, evaluation.status)),
        h('td', {}, (evaluation.config.models ?? []).map((model) => (typeof model === 'string' ? model : model.name)).join(', ')),
        h('td', {}, formatTime(evaluation.createdAt)))),
    { empty: 'No evaluations yet: run one with `sling eval`.' }),
  );
}

function winColor(share) {
  if (share === null) return '';
  const hue = Math.round(share * 120); // red (0) for losses to green (120) for wins
  return `background: hsl(${hue} 60% 85%)`;
}

/** The judge's notes on one output: head-to-head verdicts with explanations, criteria verdicts, or a free note. */
function judgeNotes(judge, model) {
  if (!judge) return null;
  const notes = [];
  for (const pair of judge.headToHead ?? []) {
    const other = pair.modelA === model ? pair.modelB : pair.modelA;
    const verdict = pair.winner === null ? 'unparsed' : pair.winner === 'tie' ? 'tie' : pair.winner === model ? 'won' : 'lost';
    notes.push(h('div', {}, h('b', {}, `vs ${other}: ${verdict}`), pair.explanation ? ` — ${pair.explanation}` : ''));
  }
  for (const [name, verdict] of Object.entries(judge.criteria ?? {})) {
    notes.push(h('div', {}, h('b', {}, `${name}: ${verdict.pass ? 'PASS' : 'FAIL'}`), verdict.reason ? ` — ${verdict.reason}` : ''));
  }
  if (!notes.length && (judge.explanation || judge.reason)) notes.push(h('div', {}, judge.explanation ?? judge.reason));
  return notes.length ? h('div', { className: 'judge' }, h('b', {}, 'judge'), ...notes) : null;
}

/** The evaluation's own summary (sling eval: metrics with bootstrap intervals), else means of per-row scores. */
function comparisonTable(evaluation, comparison) {
  const summaries = Array.isArray(evaluation.summary?.models) ? evaluation.summary.models : null;
  if (summaries?.length) {
    const names = [...new Set(summaries.flatMap((summary) => Object.keys(summary.metrics ?? {})))];
    return table(['model', 'rows', ...names, 'p50 / p95 latency (ms)', 'tokens in / out', 'cost ($)'], summaries.map((summary) =>
      h('tr', {},
        h('td', {}, summary.model, summary.kind ? h('span', { className: 'muted' }, ` (${summary.kind})`) : null),
        h('td', { className: 'number' }, summary.errors ? `${summary.rows} (${summary.errors} errors)` : summary.rows),
        ...names.map((name) => h('td', { className: 'number' }, formatInterval(summary.metrics[name]))),
        h('td', { className: 'number' }, `${formatNumber(summary.latencyMs?.p50, 0)} / ${formatNumber(summary.latencyMs?.p95, 0)}`),
        h('td', { className: 'number' }, `${formatNumber(summary.tokens?.input, 0)} / ${formatNumber(summary.tokens?.output, 0)}`),
        h('td', { className: 'number', title: summary.cost?.basis ?? '' }, formatNumber(summary.cost?.totalDollars, 6)))), { className: 'comparison' });
  }
  const names = comparison.scoreNames;
  return table(['model', 'rows', ...names, 'mean latency (ms)', 'cost ($)'], comparison.models.map((model) =>
    h('tr', {},
      h('td', {}, model.model),
      h('td', { className: 'number' }, model.rows),
      ...names.map((name) => h('td', { className: 'number' }, formatInterval(model.scores[name]))),
      h('td', { className: 'number' }, formatNumber(model.meanLatencyMs, 0)),
      h('td', { className: 'number' }, formatNumber(model.totalCost, 6)))), { className: 'comparison' });
}

function matrixTable(models, rates, counts) {
  return table(['', ...models], models.map((model, i) =>
    h('tr', {}, h('th', {}, model), ...rates[i].map((share, j) =>
      h('td', { className: 'number', style: winColor(share), title: `${counts[i][j]} comparisons` }, share === null || i === j ? '–' : `${Math.round(share * 100)}%`)))),
  { className: 'matrix' });
}

async function renderEvaluation(root, id, chosenScore) {
  const query = chosenScore ? `?score=${encodeURIComponent(chosenScore)}` : '';
  const { evaluation, comparison, headToHead, rows, totalRows } = await getJson(`/api/evaluations/${id}${query}`);
  root.append(
    h('p', {}, h('a', { href: '#/evaluations' }, '← all evaluations')),
    h('h1', {}, `#${evaluation.id} ${evaluation.name} `, h('span', { className: `status ${evaluation.status}` }, evaluation.status)),
    h('h2', {}, 'Comparison ', h('span', { className: 'muted' }, '(value [95% bootstrap interval])')),
    comparisonTable(evaluation, comparison),
  );
  const judged = evaluation.summary?.headToHead?.matrix;
  if (judged && judged.models.length > 1) {
    root.append(
      h('h2', {}, 'Head to head ', h('span', { className: 'muted' }, `(judge: ${evaluation.summary.headToHead.judge})`)),
      h('p', { className: 'muted' }, 'Win rate of the row model against the column model over the judged rows (ties count half).'),
      matrixTable(judged.models, judged.rates, judged.counts),
    );
  } else if (headToHead && headToHead.models.length > 1) {
    const picker = h('select', { onchange: (event) => (location.hash = `#/evaluations/${id}/${encodeURIComponent(event.target.value)}`) },
      comparison.scoreNames.map((name) => h('option', { value: name, selected: name === headToHead.score }, name)));
    root.append(
      h('h2', {}, 'Head to head on ', picker),
      h('p', { className: 'muted' }, 'Share of shared rows where the row model scores higher than the column model (ties count half).'),
      matrixTable(headToHead.models, headToHead.matrix, headToHead.rows),
    );
  }
  const models = [...new Set(rows.flatMap((row) => Object.keys(row.models)))].sort();
  root.append(
    h('h2', {}, `Outputs `, h('span', { className: 'muted' }, `(first ${rows.length} of ${totalRows} rows)`)),
    table(['row', ...models], rows.map((row) =>
      h('tr', {}, h('td', { className: 'row-id' }, row.rowId.slice(0, 10)), ...models.map((model) => {
        const entry = row.models[model];
        if (!entry) return h('td', { className: 'muted' }, '–');
        // Whitespace-only answers (common for untuned models) would render as an empty box: show them escaped.
        const shown = entry.output.trim() === '' ? h('span', { className: 'muted' }, entry.output ? JSON.stringify(entry.output) : '(empty)') : entry.output;
        const scores = Object.entries(entry.scores).map(([name, value]) => `${name}: ${typeof value === 'number' ? formatNumber(value) : value}`).join(' · ');
        return h('td', { className: 'output' }, h('div', {}, shown), h('div', { className: 'scores' }, scores), judgeNotes(entry.judge, model));
      }))), { className: 'outputs' }),
  );
}
