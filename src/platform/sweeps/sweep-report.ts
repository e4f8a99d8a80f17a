/**
 * @module platform/sweeps/sweep-report
 * A sweep as one self-contained HTML file: the ranked trials table, a parallel-coordinates plot (a Chart.js line
 * chart over normalised axes, one line per trial coloured by objective, each parameter axis scaled to its range —
 * log ranges in log space, choices by index) and the objective over time with the best-so-far line. Chart.js is
 * inlined from node_modules like the evaluation report, so the file opens offline.
 */
import { chartJsBundle } from '../eval/report/chart-bundle.ts';
import { escapeHtml } from '../eval/report/html-report.ts';
import { rankTrials } from './ranking.ts';
import type { Distribution, JsonValue } from './search-space.ts';
import type { Sweep, Trial } from './sweep-repository.ts';

/** Position of a value on its axis, in [0, 1]. */
export function normalise(distribution: Distribution, value: JsonValue): number {
  if (distribution.kind === 'choice') {
    const index = distribution.values.findIndex((item) => JSON.stringify(item) === JSON.stringify(value));
    return distribution.values.length === 1 ? 0.5 : index / (distribution.values.length - 1);
  }
  const log = distribution.kind === 'loguniform' || (distribution.kind === 'int' && distribution.log === true);
  const scale = (x: number) => (log ? Math.log(x) : x);
  return (scale(value as number) - scale(distribution.low)) / (scale(distribution.high) - scale(distribution.low));
}

const format = (value: unknown) => (typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toPrecision(4)) : JSON.stringify(value));

export function trialsTable(sweep: Sweep, trials: readonly Trial[]): { head: string[]; rows: string[][] } {
  const keys = Object.keys(sweep.config.space);
  const head = ['rank', 'trial', 'status', sweep.config.objective.metric, ...keys, 'steps', 'note'];
  const rows = rankTrials(trials, sweep.config.objective.goal).map((trial, index) => [
    String(index + 1), String(trial.number), trial.status, trial.objective === null ? '-' : trial.objective.toFixed(4),
    ...keys.map((key) => format(trial.parameters[key])),
    String(trial.result?.steps ?? '-'),
    trial.status === 'pruned' ? `rung ${(trial.result?.prunedAt as { rung: number }).rung}` : trial.status === 'failed' || trial.status === 'stopped' ? String(trial.result?.error ?? trial.result?.reason ?? '') : '',
  ]);
  return { head, rows };
}

export function sweepHtmlReport(sweep: Sweep, trials: readonly Trial[]): string {
  const keys = Object.keys(sweep.config.space);
  const finished = trials.filter((trial) => trial.status === 'succeeded' && trial.objective !== null);
  const objectives = finished.map((trial) => trial.objective!);
  const [low, high] = [Math.min(...objectives), Math.max(...objectives)];
  const good = (value: number) => (high === low ? 1 : sweep.config.objective.goal === 'minimize' ? (high - value) / (high - low) : (value - low) / (high - low));
  const lines = finished.map((trial) => ({
    label: `trial ${trial.number}`,
    data: [...keys.map((key) => normalise(sweep.config.space[key], trial.parameters[key])), 1 - good(trial.objective!)],
    borderColor: `hsl(${Math.round(120 * good(trial.objective!))}, 70%, 42%)`,
  }));
  const start = sweep.createdAt;
  const timeline = [...finished].sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
  let best: number | null = null;
  const points = timeline.map((trial) => ({ x: ((trial.finishedAt ?? start) - start) / 60000, y: trial.objective! }));
  const bestLine = timeline.map((trial) => {
    best = best === null ? trial.objective! : sweep.config.objective.goal === 'minimize' ? Math.min(best, trial.objective!) : Math.max(best, trial.objective!);
    return { x: ((trial.finishedAt ?? start) - start) / 60000, y: best };
  });
  const data = { axes: [...keys, `${sweep.config.objective.metric} (${sweep.config.objective.goal === 'minimize' ? 'low = good' : 'high = good'}, top = worst)`], lines, points, bestLine, metric: sweep.config.objective.metric };
  const table = trialsTable(sweep, trials);
  const tableHtml = `<table><tr>${table.head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr>${table.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('')}</table>`;
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sweep ${sweep.id}: ${escapeHtml(sweep.name)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;font-size:13px;text-align:right}canvas{max-height:380px}</style></head><body>
<h1>Sweep ${sweep.id}: ${escapeHtml(sweep.name)}</h1>
<p>${escapeHtml(sweep.config.algorithm)} search, ${trials.length} trials, status ${escapeHtml(sweep.status)}; objective: ${sweep.config.objective.goal} ${escapeHtml(sweep.config.objective.metric)}${sweep.config.earlyStopping ? `; ASHA from step ${sweep.config.earlyStopping.minSteps}, η = ${sweep.config.earlyStopping.reductionFactor}` : ''}.</p>
<h2>Trials</h2>${tableHtml}
<h2>Parallel coordinates</h2><p>Each axis is scaled to its search range (log ranges in log space, choices by position); green is better.</p><canvas id="parallel"></canvas>
<h2>Objective over time</h2><canvas id="timeline"></canvas>
<script>${chartJsBundle()}</script>
<script>const SWEEP = ${json};
new Chart(document.getElementById('parallel'), { type: 'line', data: { labels: SWEEP.axes, datasets: SWEEP.lines.map((line) => ({ ...line, fill: false, tension: 0, pointRadius: 3 })) }, options: { plugins: { legend: { display: false } }, scales: { y: { min: 0, max: 1 } } } });
new Chart(document.getElementById('timeline'), { type: 'scatter', data: { datasets: [ { label: SWEEP.metric, data: SWEEP.points }, { label: 'best so far', data: SWEEP.bestLine, showLine: true, stepped: true, pointRadius: 0 } ] }, options: { scales: { x: { title: { display: true, text: 'minutes since start' } } } } });
</script></body></html>
`;
}
