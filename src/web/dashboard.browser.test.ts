/**
 * The dashboard end to end in headless Chromium (playwright-core driving Debian's /usr/bin/chromium): every page
 * against a real server with a seeded workspace, and a streamed playground chat with the tiny model.
 * Screenshots go to test-artifacts/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { authenticate } from '../platform/serve/auth.ts';
import { RateLimiter } from '../platform/serve/rate-limiter.ts';
import { startTestServer, type TestServer } from '../platform/serve/test-server.ts';
import { mountDashboard } from './dashboard.ts';
import { seedDashboard, type SeededDashboard } from './test-seed.ts';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;

let server: TestServer;
let browser: Browser;
let page: Page;
let seeded: SeededDashboard;

before(async () => {
  if (skip) return;
  mkdirSync(artifacts, { recursive: true });
  server = await startTestServer({
    extend: (app, { registry, keys, workspace }) =>
      mountDashboard(app, { store: workspace!.store, registry, guard: authenticate({ keys, limiter: new RateLimiter(), defaultRateLimit: 0, rateLimit: false }) }),
  });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.key, maxRetries: 0 });
  seeded = await seedDashboard(server.workspace.store, client, ['tiny', 'tiny:adapter-0']);
  await server.stack.recorder.flush();
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript((key) => localStorage.setItem('sling.apiKey', key), server.key);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(hash: string): Promise<void> {
  await page.goto(`${server.url}/${hash}`);
  await page.waitForSelector('#page[data-ready="true"]');
}

async function shoot(name: string): Promise<void> {
  await page.waitForTimeout(150); // let Chart.js finish its first layout
  await page.screenshot({ path: join(artifacts, `dashboard-${name}.png`), fullPage: true });
}

test('datasets: list, versions, stats charts and rows', { skip }, async () => {
  await open('#/datasets');
  assert.match((await page.textContent('#page table'))!, /fpb-sample[\s\S]*v2[\s\S]*60/);
  await page.click('text=fpb-sample');
  await page.waitForSelector('.row-card');
  const text = await page.textContent('#page');
  assert.match(text!, /60 rows/);
  assert.match(text!, /import fpb-first-40/);
  assert.equal(await page.locator('canvas').count(), 2);
  assert.equal(await page.locator('.row-card').count(), 25);
  await shoot('datasets');
});

test('runs: loss curves from run metrics, config and logs', { skip }, async () => {
  await open(`#/runs/${seeded.runId}`);
  await page.waitForSelector('canvas');
  const text = await page.textContent('#page');
  assert.match(text!, /succeeded/);
  assert.match(text!, /train_loss @ step 40/);
  assert.match(text!, /step 40\/40 loss 0\.62/);
  const points = await page.evaluate(() => {
    const chart = (window as unknown as { Chart: { getChart(canvas: Element): { data: { datasets: { label: string; data: unknown[] }[] } } } }).Chart.getChart(document.querySelector('canvas')!);
    return chart.data.datasets.map((dataset) => [dataset.label, dataset.data.filter((value) => value !== null).length]);
  });
  assert.deepEqual(points, [['train_loss', 40], ['validation_loss', 4]]);
  await shoot('run');
});

type ChartWindow = { Chart: { getChart(canvas: Element): { config: { type: string }; data: { labels?: unknown[]; datasets: { label: string; data: unknown[] }[] } } } };

test('sweeps: list, trials ranked with rungs and jobs, parallel coordinates and objective over time', { skip }, async () => {
  await open('#/sweeps');
  const list = (await page.textContent('table.sweeps'))!;
  assert.match(list, /lr-rank-targets\s*succeeded\s*tpe\s*minimize validation_loss\s*10 \/ 10\s*0\.85\d* \(trial 9\)/);
  assert.match(list, /grid-rank-lr\s*running\s*grid\s*maximize accuracy on fpb-sample\s*2 \/ 6\s*0\.65 \(trial 1\)/);
  await shoot('sweeps');

  const { ranked } = seeded.sweeps.finished;
  await page.click('text=lr-rank-targets');
  await page.waitForSelector('#page[data-ready="true"] table.trials');
  const rows = await page.$$eval('table.trials tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!.trim())));
  assert.deepEqual(rows.map((row) => [row[0], row[1], row[2]]), ranked.map((trial, index) => [String(index + 1), String(trial.number), trial.status]));
  assert.equal(rows[0][3], ranked[0].objective!.toFixed(4).replace(/0+$/, ''));
  assert.ok(rows.some((row) => /^pruned at rung 0 \(step 4, loss \d/.test(row[9])), 'a trial pruned at the first rung');
  assert.ok(rows.some((row) => /^passed rung 2 \(step 16/.test(row[9])), 'a trial that passed the last rung');
  assert.match(rows.at(-1)!.join(' '), /failed .*training diverged/);
  const pruned = ranked.filter((trial) => trial.status === 'pruned').length;
  const succeeded = ranked.filter((trial) => trial.status === 'succeeded').length;
  assert.match((await page.textContent('.cards'))!, new RegExp(`10 / 10 trials done\\s*${succeeded} succeeded\\s*${pruned} pruned\\s*1 failed`));

  const charts = await page.evaluate(() =>
    Array.from(document.querySelectorAll('#page canvas')).map((canvas) => {
      const chart = (window as unknown as ChartWindow).Chart.getChart(canvas)!;
      return { type: chart.config.type, axes: chart.data.labels?.length ?? 0, datasets: chart.data.datasets.map((dataset) => [dataset.label, dataset.data.filter((value) => value !== null).length]) };
    }));
  assert.equal(charts.length, 2);
  const [parallel, timeline] = charts;
  assert.equal(parallel.type, 'line');
  assert.equal(parallel.axes, 5); // 4 parameters and the objective
  assert.equal(parallel.datasets.length, succeeded + pruned);
  assert.equal(parallel.datasets.filter(([, points]) => points === 5).length, succeeded);
  assert.equal(parallel.datasets.filter(([label, points]) => /pruned/.test(String(label)) && points === 4).length, pruned);
  assert.equal(timeline.type, 'scatter');
  assert.deepEqual(timeline.datasets, [['validation_loss of each finished trial', succeeded], ['best so far', succeeded]]);
  // Hovering the plot shows one trial's real values on every axis.
  const plot = page.locator('#page canvas').first();
  const box = (await plot.boundingBox())!;
  await plot.hover({ position: { x: box.width * 0.12, y: box.height * 0.4 } });
  const tooltip = (await (await page.waitForFunction(() => {
    const chart = (window as unknown as { Chart: { getChart(canvas: Element): { tooltip: { title?: string[]; body?: { lines: string[] }[] } } } }).Chart.getChart(document.querySelector('#page canvas')!);
    return chart.tooltip.body?.length ? { title: chart.tooltip.title!, lines: chart.tooltip.body.flatMap((item) => item.lines) } : null;
  })).jsonValue())!;
  assert.match(tooltip.title[0], /^trial \d+/);
  assert.equal(tooltip.lines.length, 5);
  assert.match(tooltip.lines[0], /^optimizer\.learning_rate: \d/);
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot('sweep');

  // A trial's job link opens the run page with the trial's loss curves.
  await page.click(`table.trials tbody tr:first-child a`);
  await page.waitForSelector('#page[data-page="runs"][data-ready="true"] canvas');
  assert.match((await page.textContent('#page'))!, /validation_loss @ step 24/);
});

test('evaluations: comparison with intervals, head-to-head matrix, outputs side by side with the judge', { skip }, async () => {
  await open(`#/evaluations/${seeded.evaluationId}`);
  const comparison = await page.textContent('table.comparison');
  assert.match(comparison!, /tiny:adapter-0/);
  assert.match(comparison!, /accuracy/);
  assert.match(comparison!, /\d \[\d/); // "value [low, high]"
  assert.match((await page.textContent('#page'))!, /judge: reference-overlap-judge/);
  assert.equal(await page.locator('table.matrix tbody tr').count(), 2);
  assert.equal(await page.locator('table.outputs tbody tr').count(), seeded.evaluationRows);
  assert.match((await page.textContent('table.outputs'))!, /vs tiny(:adapter-0)?: (won|lost|tie)/);
  await shoot('evaluation');
});

test('request logs: filter by tag, model and status; latency and cost charts', { skip }, async () => {
  await open('#/logs');
  const all = await page.locator('#page table tbody tr').count();
  const logged = (await server.stack.logs!.list({ limit: 500 })).length;
  assert.equal(all, logged);
  await shoot('logs');
  await page.fill('input[placeholder="tag k=v"]', 'row=3');
  await page.click('text=Filter');
  await page.waitForFunction(() => document.querySelectorAll('#page table tbody tr').length === 1);
  await page.fill('input[placeholder="tag k=v"]', 'seed=logs');
  await page.fill('input[placeholder="model"]', 'tiny:adapter-0');
  await page.click('text=Filter');
  await page.waitForFunction(() => document.querySelectorAll('#page table tbody tr').length === 2);
  await page.fill('input[placeholder="tag k=v"]', '');
  await page.selectOption('select', 'error');
  await page.fill('input[placeholder="model"]', '');
  await page.click('text=Filter');
  await page.waitForFunction(() => document.querySelectorAll('#page table tbody tr.failed').length === 1);
  assert.match((await page.textContent('#page table tbody'))!, /400/);
  assert.equal(await page.locator('canvas').count(), 2);
});

test('playground: a streamed chat with an adapter', { skip }, async () => {
  await open('#/playground');
  await page.selectOption('#playground-model', 'tiny:adapter-1');
  await page.fill('#playground-input', 'Hello there');
  await page.click('#playground-send');
  await page.waitForFunction(() => /tokens in/.test(document.getElementById('playground-status')?.textContent ?? ''));
  const answer = await page.textContent('.message.assistant .answer');
  assert.ok(answer && answer.length > 0);
  assert.match((await page.textContent('#playground-status'))!, /^128 tokens in/);
  await shoot('playground');
  await server.stack.recorder.flush();
  const [log] = await server.stack.logs!.list({ tags: { source: 'playground' } });
  assert.equal(log.model, 'tiny:adapter-1');
  assert.equal(((log.response!.choices as { message: { content: string } }[])[0]).message.content, answer);
});
