/**
 * The comparison report from a real evaluation (FPB test rows; TF-IDF baselines with two regularization
 * strengths and the majority class; the reference-overlap judge): table text and HTML structure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../run/evaluate.ts';
import { trainTfidfClassifier } from '../baselines/tfidf-classifier.ts';
import { trainMajorityClass } from '../baselines/majority-class.ts';
import { referenceOverlapJudge } from '../judge/reference-overlap-judge.ts';
import { readFinancialPhrasebank } from '../datasets/financial-phrasebank.ts';
import { sharedDataPath } from '../datasets/shared-data.ts';
import { formatComparisonTable } from './table.ts';
import { renderHtmlReport } from './html-report.ts';
import type { Comparison } from './comparison.ts';

const fpb = sharedDataPath('financial_phrasebank', 'sentences_allagree.jsonl');

export async function sampleComparison(testRowCount = 200): Promise<Comparison> {
  const all = readFinancialPhrasebank(fpb!);
  const train = all.filter((row) => row.split === 'train');
  const strong = trainTfidfClassifier(train, { name: 'tfidf-C10' });
  const weak = trainTfidfClassifier(train, { name: 'tfidf-C0.3', C: 0.3 });
  const rows = all.filter((row) => row.split === 'test').slice(0, testRowCount);
  const result = await evaluate([strong, weak, trainMajorityClass(train)], rows, { judge: referenceOverlapJudge(), headToHead: true, seed: 1 });
  return {
    title: 'FPB AllAgree: classical baselines',
    task: result.task,
    dataset: 'financial_phrasebank@1',
    models: result.summaries,
    winRate: { ...result.headToHead!.matrix, judge: result.headToHead!.judge },
    lossCurves: [
      { name: 'tfidf-C10', points: strong.training.lossHistory },
      { name: 'tfidf-C0.3', points: weak.training.lossHistory },
    ],
    createdAt: '2026-01-01T00:00:00Z',
  };
}

test('text table and self-contained HTML report', { skip: fpb ? false : 'shared data folder ../shared/data absent' }, async () => {
  const comparison = await sampleComparison();
  const table = formatComparisonTable(comparison);
  assert.match(table, /^model\s+kind\s+accuracy\s+macro_f1\s+exact_match\s+cost\s+p50\s+p95/m);
  assert.match(table, /tfidf-C10\s+baseline\s+0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]/);
  assert.match(table, /win rate \(row vs column\)/);
  const html = renderHtmlReport(comparison);
  assert.ok(html.length > 200_000, 'Chart.js is inlined');
  assert.doesNotMatch(html, /<script[^>]+src=/, 'no external scripts');
  assert.equal((html.match(/<\/script>/g) ?? []).length, 3);
  for (const id of ['metric-chart', 'latency-chart', 'loss-chart']) assert.match(html, new RegExp(`<canvas id="${id}">`));
  assert.match(html, /Confusion matrices/);
  assert.match(html, /Head-to-head win rates/);
  const data = JSON.parse(/const REPORT = (.*);<\/script>/.exec(html)![1]) as { lossCurves: { points: unknown[] }[]; metrics: string[] };
  assert.deepEqual(data.metrics, ['accuracy', 'macro_f1', 'exact_match']);
  assert.ok(data.lossCurves[0].points.length > 10);
});
