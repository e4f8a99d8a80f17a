/**
 * A whole evaluation on real data: FPB test rows through the TF-IDF baseline (in process), the same model
 * served over HTTP (as a priced remote model), and the majority class; graders, criteria and head-to-head
 * judging by the reference-overlap judge.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from './evaluate.ts';
import { detectTask } from './task.ts';
import { trainTfidfClassifier } from '../baselines/tfidf-classifier.ts';
import { trainMajorityClass } from '../baselines/majority-class.ts';
import { referenceOverlapJudge } from '../judge/reference-overlap-judge.ts';
import { createOpenAiChatModel } from '../clients/openai-chat-model.ts';
import { startOpenAiTestServer, type OpenAiTestServer } from '../testing/openai-test-server.ts';
import { readFinancialPhrasebank } from '../datasets/financial-phrasebank.ts';
import { sharedDataPath } from '../datasets/shared-data.ts';
import { lastUserText, type EvalRow } from '../eval-row.ts';
import type { ChatModel } from '../chat-model.ts';

const fpb = sharedDataPath('financial_phrasebank', 'sentences_allagree.jsonl');
const skip = fpb ? false : 'shared data folder ../shared/data absent';
let server: OpenAiTestServer;
let rows: EvalRow[] = [];
let models: ChatModel[] = [];

before(async () => {
  if (skip) return;
  const all = readFinancialPhrasebank(fpb!);
  rows = all.filter((row) => row.split === 'test').slice(0, 150);
  const tfidf = trainTfidfClassifier(all.filter((row) => row.split === 'train'), { name: 'tfidf' });
  server = await startOpenAiTestServer([tfidf]);
  const remote = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'tfidf', name: 'tfidf-http', pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 } });
  models = [tfidf, remote, trainMajorityClass(all.filter((row) => row.split === 'train'))];
});
after(async () => server?.close());

test('evaluates several models with intervals, latency, tokens, cost, confusion and judging', { skip }, async () => {
  const result = await evaluate(models, rows, {
    graders: [{ name: 'short_answer', grade: (_row, output) => (output.split(/\s+/).length <= 2 ? 1 : 0) }],
    judge: referenceOverlapJudge(),
    criteria: [{ name: 'says_neutral', text: 'The answer is "neutral".' }],
    headToHead: true,
    seed: 3,
  });
  assert.deepEqual(result.task, { kind: 'classification', labels: ['negative', 'neutral', 'positive'] });
  const [local, remote, majority] = result.summaries;
  const tfidf = models[0] as ReturnType<typeof trainTfidfClassifier>;
  const expected = rows.filter((row) => tfidf.predict(lastUserText(row.messages)).label === row.label).length / rows.length;
  assert.equal(local.metrics.accuracy.value, expected);
  assert.equal(remote.metrics.accuracy.value, expected, 'HTTP round trip changes nothing');
  for (const summary of result.summaries) {
    for (const [name, interval] of Object.entries(summary.metrics)) {
      assert.ok(interval.low <= interval.value && interval.value <= interval.high, `${summary.model} ${name}`);
    }
    assert.equal(summary.confusion!.counts.flat().reduce((a, b) => a + b, 0), rows.length);
    assert.equal(summary.errors, 0);
  }
  assert.ok(local.metrics.accuracy.high - local.metrics.accuracy.low > 0.02, 'a real interval on 150 rows');
  assert.equal(local.cost.basis, 'compute');
  assert.equal(remote.cost.basis, 'tokens');
  assert.ok(Math.abs(remote.cost.totalDollars - (remote.tokens.input * 0.15 + remote.tokens.output * 0.6) / 1e6) < 1e-12);
  assert.ok(remote.latencyMs.p95 >= remote.latencyMs.p50 && remote.latencyMs.p50 > 0);
  assert.equal(majority.metrics.short_answer.value, 1);
  const neutralShare = rows.filter((row) => tfidf.predict(lastUserText(row.messages)).label === 'neutral').length / rows.length;
  assert.equal(local.metrics.says_neutral.value, neutralShare);
  assert.equal(majority.metrics.says_neutral.value, 1);
  // The in-process and HTTP copies answer identically: every comparison is an unjudged tie.
  const copies = result.headToHead!.judgements.filter((j) => j.modelA === 'tfidf' && j.modelB === 'tfidf-http');
  assert.ok(copies.every((j) => j.winner === 'tie' && !j.judged));
  assert.equal(result.headToHead!.matrix.rates[0][1], 0.5);
  assert.ok(result.headToHead!.matrix.rates[0][2] > 0.5, 'the better classifier wins against the majority class');
});

test('task detection: labels, JSON extraction, free text', () => {
  const make = (answer: string, label?: string): EvalRow => ({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: answer }], split: 'test', label });
  assert.equal(detectTask([make('{"PER":["Ann"]}'), make('{"PER":[]}')]).kind, 'extraction');
  assert.equal(detectTask([make('A long free-text answer about many things'), make('x')]).kind, 'generation');
  assert.deepEqual(detectTask([make('yes', 'yes'), make('no', 'no')]), { kind: 'classification', labels: ['no', 'yes'] });
  assert.deepEqual(detectTask(Array.from({ length: 12 }, (_, i) => make(i % 2 ? 'spam' : 'ham'))), { kind: 'classification', labels: ['ham', 'spam'] });
});
