// @module web/static/pages/datasets — dataset list; one dataset: versions, statistics charts and a row browser.
import { getJson } from '../api.js';
import { formatNumber, formatTime, h, table } from '../dom.js';

export async function render(root, [name, version]) {
  if (!name) return renderList(root);
  return renderDataset(root, name, version);
}

async function renderList(root) {
  const { datasets } = await getJson('/api/datasets');
  root.append(
    h('h1', {}, 'Datasets'),
    table(['name', 'description', 'latest version', 'rows', 'created'], datasets.map((dataset) =>
      h('tr', {},
        h('td', {}, h('a', { href: `#/datasets/${encodeURIComponent(dataset.name)}` }, dataset.name)),
        h('td', {}, dataset.description ?? ''),
        h('td', {}, `v${dataset.latestVersion}`),
        h('td', { className: 'number' }, formatNumber(dataset.rowCount)),
        h('td', {}, formatTime(dataset.createdAt)))),
    { empty: 'No datasets yet: import one with `sling data import FILE --name NAME`.' }),
  );
}

function barChart(container, title, labels, values) {
  const canvas = h('canvas');
  container.append(h('div', { className: 'chart small' }, h('h3', {}, title), canvas));
  return new window.Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label: title, data: values, backgroundColor: '#4f7cac' }] },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });
}

async function renderDataset(root, name, version) {
  const query = version ? `?version=${encodeURIComponent(version)}` : '';
  const detail = await getJson(`/api/datasets/${encodeURIComponent(name)}${query}`);
  const { dataset, versions, stats } = detail;
  const current = detail.version;
  const charts = [];
  const chartRow = h('div', { className: 'chart-row' });
  root.append(
    h('p', {}, h('a', { href: '#/datasets' }, '← all datasets')),
    h('h1', {}, `${dataset.name} `, h('span', { className: 'muted' }, `v${current.version}`)),
    h('p', { className: 'muted' }, dataset.description ?? ''),
    h('div', { className: 'cards' },
      h('div', { className: 'card' }, h('b', {}, formatNumber(stats.rows)), ' rows'),
      ...Object.entries(stats.splits).map(([split, count]) => h('div', { className: 'card' }, h('b', {}, formatNumber(count)), ` ${split}`)),
      h('div', { className: 'card' }, h('b', {}, formatNumber(stats.characters.mean, 0)), ' mean characters')),
    chartRow,
    h('h2', {}, 'Versions'),
    table(['version', 'change', 'rows', 'created'], versions.map((entry) =>
      h('tr', { className: entry.id === current.id ? 'selected' : '' },
        h('td', {}, h('a', { href: `#/datasets/${encodeURIComponent(name)}/${entry.version}` }, `v${entry.version}`)),
        h('td', {}, entry.change),
        h('td', { className: 'number' }, formatNumber(entry.rowCount)),
        h('td', {}, formatTime(entry.createdAt))))),
  );
  const labels = Object.entries(stats.labels).sort((a, b) => b[1] - a[1]).slice(0, 20);
  if (labels.length) charts.push(barChart(chartRow, 'labels', labels.map(([label]) => label), labels.map(([, count]) => count)));
  charts.push(barChart(chartRow, 'characters per row', stats.lengthHistogram.map((bin) => `≤${bin.upTo}`), stats.lengthHistogram.map((bin) => bin.count)));

  const rowsBox = h('div');
  const split = h('select', {}, h('option', { value: '' }, 'all splits'), h('option', { value: 'train' }, 'train'), h('option', { value: 'test' }, 'test'));
  const more = h('button', { type: 'button' }, 'More rows');
  root.append(h('h2', {}, 'Rows ', split), rowsBox, more);
  let after = -1;
  async function load(reset) {
    if (reset) {
      after = -1;
      rowsBox.replaceChildren();
    }
    const params = new URLSearchParams({ limit: '25', after: String(after) });
    if (split.value) params.set('split', split.value);
    const { rows } = await getJson(`/api/datasets/${encodeURIComponent(name)}/versions/${current.version}/rows?${params}`);
    for (const row of rows) {
      rowsBox.append(h('div', { className: 'row-card' },
        h('div', { className: 'row-meta' }, `#${row.position} · ${row.split ?? 'unassigned'}${row.label ? ` · label ${row.label}` : ''}`),
        ...row.messages.map((message) => h('div', { className: `message ${message.role}` }, h('span', { className: 'role' }, message.role), message.content))));
      after = row.position;
    }
    more.disabled = rows.length < 25;
  }
  split.addEventListener('change', () => load(true));
  more.addEventListener('click', () => load(false));
  await load(true);
  return () => charts.forEach((chart) => chart.destroy());
}
