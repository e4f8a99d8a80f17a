// @module web/static/pages/logs — request logs filtered by tag, model and status; latency and cost over time.
import { getJson } from '../api.js';
import { formatNumber, formatTime, h, lineChart, table } from '../dom.js';

export async function render(root) {
  const model = h('input', { placeholder: 'model', size: 18 });
  const status = h('select', {}, h('option', { value: '' }, 'any status'), h('option', { value: 'ok' }, 'ok'), h('option', { value: 'error' }, 'errors'));
  const tag = h('input', { placeholder: 'tag k=v', size: 16 });
  const apply = h('button', { type: 'submit' }, 'Filter');
  const charts = h('div', { className: 'chart-row' });
  const list = h('div');
  const detail = h('pre', { className: 'config', hidden: true });
  root.append(h('h1', {}, 'Request logs'), h('form', { className: 'filters', onsubmit: (event) => { event.preventDefault(); load(); } }, model, status, tag, apply), charts, list, detail);
  let chartObjects = [];

  async function load() {
    const params = new URLSearchParams();
    if (model.value.trim()) params.set('model', model.value.trim());
    if (status.value) params.set('status', status.value);
    if (tag.value.trim()) params.append('tag', tag.value.trim());
    const [{ logs }, series] = await Promise.all([getJson(`/api/logs?${params}`), getJson(`/api/logs/series?${params}`)]);
    chartObjects.forEach((chart) => chart.destroy());
    charts.replaceChildren();
    const labels = series.buckets.map((bucket) => new Date(bucket.start).toLocaleTimeString());
    const latency = h('div', { className: 'chart-half' });
    const cost = h('div', { className: 'chart-half' });
    charts.append(latency, cost);
    chartObjects = [
      lineChart(latency, { labels, yTitle: 'latency (ms)', datasets: [
        { label: 'p50', data: series.buckets.map((bucket) => bucket.p50LatencyMs), borderColor: '#4f7cac' },
        { label: 'p95', data: series.buckets.map((bucket) => bucket.p95LatencyMs), borderColor: '#d1603d' }] }),
      lineChart(cost, { labels, yTitle: 'cost ($)', y2Title: 'requests', datasets: [
        { label: 'cost ($)', data: series.buckets.map((bucket) => bucket.cost), borderColor: '#3c9d5d' },
        { label: 'requests', data: series.buckets.map((bucket) => bucket.requests), borderColor: '#8e6bbf', yAxisID: 'y2' }] }),
    ];
    list.replaceChildren(table(['time', 'model', 'endpoint', 'status', 'latency (ms)', 'tokens in/out', 'tags', ''], logs.map((log) =>
      h('tr', { className: log.status >= 400 ? 'failed' : '' },
        h('td', {}, formatTime(log.time)),
        h('td', {}, log.model ?? '–'),
        h('td', {}, log.endpoint),
        h('td', {}, h('span', { className: `status ${log.status >= 400 ? 'failed' : 'succeeded'}` }, log.status)),
        h('td', { className: 'number' }, formatNumber(log.latencyMs, 0)),
        h('td', { className: 'number' }, `${log.promptTokens ?? '–'} / ${log.completionTokens ?? '–'}`),
        h('td', {}, Object.entries(log.tags).map(([key, value]) => h('span', { className: 'tag' }, `${key}=${value}`))),
        h('td', {}, h('button', { type: 'button', className: 'subtle', onclick: () => { detail.hidden = false; detail.textContent = JSON.stringify(log, null, 2); detail.scrollIntoView(); } }, 'show')))),
    { empty: 'No requests logged yet.' }));
  }
  await load();
  return () => chartObjects.forEach((chart) => chart.destroy());
}
