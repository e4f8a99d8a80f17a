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

async function renderEvaluation(root, id, chosenScore) {
  const query = chosenScore ? `?score=${encodeURIComponent(chosenScore)}` : '';
  const { evaluation, comparison, headToHead, rows, totalRows } = await getJson(`/api/evaluations/${id}${query}`);
  const names = comparison.scoreNames;
  root.append(
    h('p', {}, h('a', { href: '#/evaluations' }, '← all evaluations')),
    h('h1', {}, `#${evaluation.id} ${evaluation.name} `, h('span', { className: `status ${evaluation.status}` }, evaluation.status)),
    h('h2', {}, 'Comparison ', h('span', { className: 'muted' }, '(mean, 95% bootstrap interval)')),
    table(['model', 'rows', ...names, 'mean latency (ms)', 'cost ($)'], comparison.models.map((model) =>
      h('tr', {},
        h('td', {}, model.model),
        h('td', { className: 'number' }, model.rows),
        ...names.map((name) => h('td', { className: 'number' }, formatInterval(model.scores[name]))),
        h('td', { className: 'number' }, formatNumber(model.meanLatencyMs, 0)),
        h('td', { className: 'number' }, formatNumber(model.totalCost, 6)))), { className: 'comparison' }),
  );
  if (headToHead && headToHead.models.length > 1) {
    const picker = h('select', { onchange: (event) => (location.hash = `#/evaluations/${id}/${encodeURIComponent(event.target.value)}`) },
      names.map((name) => h('option', { value: name, selected: name === headToHead.score }, name)));
    root.append(
      h('h2', {}, 'Head to head on ', picker),
      h('p', { className: 'muted' }, 'Share of shared rows where the row model scores higher than the column model (ties count half).'),
      table(['', ...headToHead.models], headToHead.models.map((model, i) =>
        h('tr', {}, h('th', {}, model), ...headToHead.matrix[i].map((share, j) =>
          h('td', { className: 'number', style: winColor(share), title: `${headToHead.rows[i][j]} shared rows` }, share === null ? '–' : `${Math.round(share * 100)}%`)))),
      { className: 'matrix' }),
    );
  }
  const models = comparison.models.map((model) => model.model);
  root.append(
    h('h2', {}, `Outputs `, h('span', { className: 'muted' }, `(first ${rows.length} of ${totalRows} rows)`)),
    table(['row', ...models], rows.map((row) =>
      h('tr', {}, h('td', { className: 'row-id' }, row.rowId.slice(0, 10)), ...models.map((model) => {
        const entry = row.models[model];
        if (!entry) return h('td', { className: 'muted' }, '–');
        const scores = Object.entries(entry.scores).map(([name, value]) => `${name}: ${typeof value === 'number' ? formatNumber(value) : value}`).join(' · ');
        // Whitespace-only answers (common for untuned models) would render as an empty box: show them escaped.
        const shown = entry.output.trim() === '' ? h('span', { className: 'muted' }, entry.output ? JSON.stringify(entry.output) : '(empty)') : entry.output;
        return h('td', { className: 'output' },
          h('div', {}, shown),
          h('div', { className: 'scores' }, scores),
          entry.judge ? h('div', { className: 'judge' }, h('b', {}, 'judge: '), entry.judge.explanation ?? entry.judge.reason ?? JSON.stringify(entry.judge)) : null);
      }))), { className: 'outputs' }),
  );
}
