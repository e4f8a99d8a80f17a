// @module web/static/dom — tiny DOM helpers: element builder (text is always escaped), tables, formatting.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'className') element.className = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function table(headers, rows, options = {}) {
  return h('table', { className: options.className ?? '' },
    h('thead', {}, h('tr', {}, headers.map((header) => h('th', {}, header)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, className: 'muted' }, options.empty ?? 'Nothing here yet.'))));
}

export const formatTime = (ms) => (ms ? new Date(ms).toLocaleString() : '–');
export const formatNumber = (value, digits = 3) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : Number(value).toLocaleString(undefined, { maximumFractionDigits: digits });
export const formatInterval = (interval) =>
  interval ? `${formatNumber(interval.value)} [${formatNumber(interval.low)}, ${formatNumber(interval.high)}]` : '–';

export function errorBox(error) {
  return h('div', { className: 'error' }, error.message ?? String(error));
}

const significant = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 3 });

/** Creates a Chart.js line chart in a fixed-height box; returns the chart. */
export function lineChart(container, { labels, datasets, yTitle, xTitle, y2Title }) {
  const canvas = h('canvas');
  container.append(h('div', { className: 'chart' }, canvas));
  return new window.Chart(canvas, {
    type: 'line',
    data: { labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { title: { display: Boolean(xTitle), text: xTitle } },
        y: { title: { display: Boolean(yTitle), text: yTitle }, ticks: { callback: (value) => significant.format(value) } },
        // A second axis on the right for datasets with yAxisID 'y2' (e.g. request counts next to dollars).
        ...(y2Title ? { y2: { position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: y2Title } } } : {}),
      },
    },
  });
}
