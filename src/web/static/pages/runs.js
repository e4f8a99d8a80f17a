// @module web/static/pages/runs — training runs; one run: live loss curves, config and logs (polled while running).
import { getJson } from '../api.js';
import { formatNumber, formatTime, h, lineChart, table } from '../dom.js';

export async function render(root, [id]) {
  if (!id) return renderList(root);
  return renderRun(root, id);
}

const duration = (run) => (run.startedAt ? `${(((run.finishedAt ?? Date.now()) - run.startedAt) / 1000).toFixed(0)} s` : '–');

async function renderList(root) {
  const { runs } = await getJson('/api/runs');
  root.append(
    h('h1', {}, 'Training runs'),
    table(['run', 'status', 'model', 'data', 'created', 'duration'], runs.map((run) =>
      h('tr', {},
        h('td', {}, h('a', { href: `#/runs/${run.id}` }, `#${run.id} ${run.payload.name ?? run.payload.out ?? ''}`)),
        h('td', {}, h('span', { className: `status ${run.status}` }, run.status)),
        h('td', {}, String(run.payload.model ?? run.payload.recipe?.model ?? '')),
        h('td', {}, String(run.payload.data ?? run.payload.dataset ?? run.payload.recipe?.data ?? '')),
        h('td', {}, formatTime(run.createdAt)),
        h('td', {}, duration(run)))),
    { empty: 'No training runs yet: start one with `sling train`.' }),
  );
}

async function renderRun(root, id) {
  let chart = null;
  let lastLog = 0;
  let timer = null;
  const header = h('div');
  const chartBox = h('div');
  const logBox = h('pre', { className: 'logs' });
  const configBox = h('pre', { className: 'config' });
  root.append(h('p', {}, h('a', { href: '#/runs' }, '← all runs')), header, chartBox, h('h2', {}, 'Config'), configBox, h('h2', {}, 'Logs'), logBox);

  async function refresh() {
    const { run, series, logs } = await getJson(`/api/runs/${id}?afterLog=${lastLog}`);
    header.replaceChildren(
      h('h1', {}, `Run #${run.id} `, h('span', { className: `status ${run.status}` }, run.status)),
      h('p', { className: 'muted' }, `created ${formatTime(run.createdAt)} · duration ${duration(run)}${run.error ? ` · error: ${run.error}` : ''}`),
      h('div', { className: 'cards' }, ...Object.entries(series).map(([name, points]) =>
        h('div', { className: 'card' }, h('b', {}, formatNumber(points.at(-1)?.value, 4)), ` ${name} @ step ${points.at(-1)?.step}`))),
    );
    configBox.textContent = JSON.stringify(run.payload, null, 2);
    for (const line of logs) {
      logBox.append(`${new Date(line.time).toISOString().slice(11, 19)}  ${line.line}\n`);
      lastLog = line.id;
    }
    const names = Object.keys(series).filter((name) => /loss/i.test(name));
    const steps = [...new Set(names.flatMap((name) => series[name].map((point) => point.step)))].sort((a, b) => a - b);
    const datasets = names.map((name, index) => {
      const byStep = new Map(series[name].map((point) => [point.step, point.value]));
      return { label: name, data: steps.map((step) => byStep.get(step) ?? null), spanGaps: true, borderColor: ['#4f7cac', '#d1603d', '#3c9d5d', '#8e6bbf'][index % 4], pointRadius: 0 };
    });
    if (!chart && names.length) chart = lineChart(chartBox, { labels: steps, datasets, xTitle: 'step', yTitle: 'loss' });
    else if (chart) {
      chart.data.labels = steps;
      chart.data.datasets = datasets;
      chart.update();
    }
    if (!names.length) chartBox.replaceChildren(h('p', { className: 'muted' }, 'No loss values recorded yet.'));
    if (run.status === 'running' || run.status === 'queued') timer = setTimeout(refresh, 2000);
  }
  await refresh();
  return () => {
    clearTimeout(timer);
    chart?.destroy();
  };
}
