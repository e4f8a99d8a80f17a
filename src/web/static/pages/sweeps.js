// @module web/static/pages/sweeps — hyperparameter sweeps; one sweep: trials ranked, parallel coordinates of
// parameters → objective, the objective over time with the best-so-far line (polled while the sweep runs).
import { getJson } from '../api.js';
import { formatNumber, formatTime, h, table } from '../dom.js';

export async function render(root, [id]) {
  if (!id) return renderList(root);
  return renderSweep(root, id);
}

const objectiveText = (objective) => `${objective.goal} ${objective.metric}${objective.dataset ? ` on ${objective.dataset}` : ''}`;
const bestText = (best) => (best ? `${formatNumber(best.objective, 4)} (trial ${best.number})` : '–');
const status = (value) => h('span', { className: `status ${value}` }, value);

async function renderList(root) {
  const { sweeps } = await getJson('/api/sweeps');
  root.append(
    h('h1', {}, 'Sweeps'),
    table(['sweep', 'status', 'algorithm', 'objective', 'trials done / total', 'best objective', 'created'], sweeps.map((sweep) =>
      h('tr', {},
        h('td', {}, h('a', { href: `#/sweeps/${sweep.id}` }, `#${sweep.id} ${sweep.name}`)),
        h('td', {}, status(sweep.status)),
        h('td', {}, sweep.algorithm),
        h('td', {}, objectiveText(sweep.objective)),
        h('td', { className: 'number' }, `${sweep.trials.done} / ${sweep.trials.total}`),
        h('td', { className: 'number' }, bestText(sweep.best)),
        h('td', {}, formatTime(sweep.createdAt)))),
    { empty: 'No sweeps yet: start one with `sling sweep --config sweep.yaml`.', className: 'sweeps' }),
  );
}

// *** the ranked table ***

function rungText(trial) {
  if (!trial.rung) return '–';
  const { rung, step, value, pruned } = trial.rung;
  return `${pruned ? 'pruned at' : 'passed'} rung ${rung} (step ${step}, loss ${formatNumber(value, 3)})`;
}

/** A dotted recipe key that may wrap after its dots (`optimizer.` / `learning_rate`), so the table fits the page. */
const keyHeader = (key) => h('span', {}, key.split('.').flatMap((part, index, parts) => (index < parts.length - 1 ? [`${part}.`, h('wbr')] : [part])));

function trialsTable(summary, keys, trials) {
  return table(['rank', 'trial', 'status', summary.objective.metric, ...keys.map(keyHeader), 'steps', 'rung / pruned', 'job'], trials.map((trial) =>
    h('tr', { className: trial.rank === 1 && trial.status === 'succeeded' ? 'selected' : trial.status === 'failed' ? 'failed' : '' },
      h('td', { className: 'number' }, trial.rank),
      h('td', { className: 'number' }, trial.number),
      h('td', {}, status(trial.status)),
      h('td', { className: 'number' }, trial.objective === null ? '–' : formatNumber(trial.objective, 4)),
      ...keys.map((key) => h('td', { className: 'parameter' }, trial.parameters[key] ?? '–')),
      h('td', { className: 'number' }, trial.steps ?? '–'),
      trial.note && !trial.rung ? h('td', { className: 'muted' }, trial.note) : h('td', { className: 'rung' }, rungText(trial)),
      h('td', {}, trial.jobId === null ? '–' : h('a', { href: `#/runs/${trial.jobId}` }, `#${trial.jobId}`)))),
  { className: 'trials' });
}

// *** charts ***

/** Draws each axis's labelled ticks (real values) next to the vertical grid line that is the axis. */
const axisTicks = (axes) => ({
  id: 'axisTicks',
  afterDatasetsDraw(chart) {
    const { ctx, scales: { x, y } } = chart;
    ctx.save();
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    axes.forEach((axis, index) => {
      const left = x.getPixelForValue(index);
      for (const tick of axis.ticks) {
        const top = y.getPixelForValue(tick.position);
        const width = ctx.measureText(tick.label).width;
        ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
        ctx.fillRect(left + 5, top - 8, width + 6, 16);
        ctx.fillStyle = '#1f2933';
        ctx.fillText(tick.label, left + 8, top);
        ctx.fillRect(left - 4, top - 0.5, 8, 1.5);
      }
    });
    ctx.restore();
  },
});

const lineColour = (line) => (line.good === null ? 'rgba(120, 130, 142, 0.6)' : `hsl(${Math.round(110 * line.good)}, 70%, 40%)`);

function parallelChart(container, parallel) {
  const canvas = h('canvas');
  container.append(h('div', { className: 'chart tall' }, canvas));
  const best = parallel.lines.find((line) => line.good !== null)?.number;
  return new window.Chart(canvas, {
    type: 'line',
    data: {
      labels: parallel.axes.map((axis) => axis.key),
      // Chart.js draws the first dataset on top: the lines come ranked, so the best trial is on top, pruned ones below.
      datasets: parallel.lines.map((line) => ({
        label: `trial ${line.number}${line.status === 'pruned' ? ' (pruned)' : ''}`,
        data: line.values,
        valueLabels: line.labels,
        borderColor: lineColour(line),
        backgroundColor: lineColour(line),
        borderWidth: line.number === best ? 4 : 2,
        borderDash: line.status === 'pruned' ? [6, 4] : [],
        pointRadius: 3,
        tension: 0,
        spanGaps: false,
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      layout: { padding: { top: 10, bottom: 4 } },
      interaction: { mode: 'dataset', intersect: false },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: {
          title: (items) => items[0]?.dataset.label ?? '',
          label: (item) => `${parallel.axes[item.dataIndex].key}: ${item.dataset.valueLabels[item.dataIndex]}`,
        } },
      },
      scales: {
        x: { offset: true, grid: { color: '#8a97a6', lineWidth: 1.5 }, ticks: { color: '#1f2933', font: { weight: 600 } } },
        y: { min: -0.04, max: 1.04, display: false },
      },
    },
    plugins: [axisTicks(parallel.axes)],
  });
}

/** Seconds, minutes or hours, whichever keeps the numbers readable. */
function timeUnit(spanMs) {
  if (spanMs < 2 * 60_000) return { name: 'seconds', ms: 1000 };
  if (spanMs < 3 * 3600_000) return { name: 'minutes', ms: 60_000 };
  return { name: 'hours', ms: 3600_000 };
}

function timelineChart(container, timeline, metric) {
  const canvas = h('canvas');
  container.append(h('div', { className: 'chart' }, canvas));
  const unit = timeUnit(Math.max(0, ...timeline.points.map((point) => point.elapsedMs)));
  const xy = (point) => ({ x: point.elapsedMs / unit.ms, y: point.objective, number: point.number });
  return new window.Chart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: `${metric} of each finished trial`, data: timeline.points.map(xy), backgroundColor: '#4f7cac', borderColor: '#4f7cac', pointRadius: 5 },
        { label: 'best so far', data: timeline.best.map(xy), showLine: true, stepped: true, borderColor: '#d1603d', backgroundColor: '#d1603d', borderWidth: 2.5, pointRadius: 0 },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { tooltip: { callbacks: {
        label: (item) => `${item.dataset.label === 'best so far' ? 'best so far' : `trial ${item.raw.number}`}: ${formatNumber(item.raw.y, 4)} at ${formatNumber(item.raw.x, 1)} ${unit.name}`,
      } } },
      scales: {
        x: { min: 0, title: { display: true, text: `${unit.name} since the sweep started` } },
        y: { title: { display: true, text: metric } },
      },
    },
  });
}

// *** one sweep ***

function describe(sweep, summary) {
  const { config } = sweep;
  const asha = config.earlyStopping ? `ASHA from step ${config.earlyStopping.minSteps}, η = ${config.earlyStopping.reductionFactor}` : 'no early stopping';
  const ended = sweep.finishedAt ? `finished ${formatTime(sweep.finishedAt)}` : 'running';
  return `${config.algorithm} search · ${objectiveText(summary.objective)} · ${asha} · ${config.concurrency} at a time · created ${formatTime(sweep.createdAt)} · ${ended}`;
}

function counts(trials) {
  const byStatus = {};
  for (const trial of trials) byStatus[trial.status] = (byStatus[trial.status] ?? 0) + 1;
  return Object.entries(byStatus).map(([name, count]) => h('div', { className: 'card' }, h('b', {}, count), ` ${name}`));
}

async function renderSweep(root, id) {
  let charts = [];
  let timer = null;
  let left = false;
  const content = h('div');
  root.append(h('p', {}, h('a', { href: '#/sweeps' }, '← all sweeps')), content);

  async function refresh() {
    const { sweep, summary, trials, parallel, timeline } = await getJson(`/api/sweeps/${id}`);
    if (left) return; // the page changed while this poll was in flight
    charts.forEach((chart) => chart.destroy());
    charts = [];
    const keys = Object.keys(sweep.config.space);
    const parallelBox = h('div');
    const timelineBox = h('div');
    content.replaceChildren(
      h('h1', {}, `Sweep #${sweep.id} ${sweep.name} `, status(sweep.status)),
      h('p', { className: 'muted' }, describe(sweep, summary)),
      h('div', { className: 'cards' },
        h('div', { className: 'card' }, h('b', {}, `${summary.trials.done} / ${summary.trials.total}`), ' trials done'),
        ...counts(trials),
        h('div', { className: 'card' }, h('b', {}, bestText(summary.best)), ` best ${summary.objective.metric}`)),
      h('h2', {}, 'Trials, ranked'),
      trialsTable(summary, keys, trials),
      h('h2', {}, 'Parallel coordinates ', h('span', { className: 'muted' }, `(parameters → ${summary.objective.metric})`)),
      h('p', { className: 'muted' }, 'One line per trial. Each parameter axis spans its search range (log ranges in log space, choices by position); '
        + 'colour runs from red (worst) to green (best objective); the thick line is the best trial; dashed grey lines are pruned trials, which have no objective.'),
      parallelBox,
      h('h2', {}, 'Objective over time'),
      timelineBox,
      h('h2', {}, 'Config'),
      h('pre', { className: 'config' }, JSON.stringify(sweep.config, null, 2)),
    );
    if (parallel.lines.length) charts.push(parallelChart(parallelBox, parallel));
    else parallelBox.append(h('p', { className: 'muted' }, 'No trial has finished yet.'));
    if (timeline.points.length) charts.push(timelineChart(timelineBox, timeline, summary.objective.metric));
    else timelineBox.append(h('p', { className: 'muted' }, 'No trial has an objective yet.'));
    if (sweep.status === 'running') timer = setTimeout(refresh, 5000);
  }
  await refresh();
  return () => {
    left = true;
    clearTimeout(timer);
    charts.forEach((chart) => chart.destroy());
  };
}
