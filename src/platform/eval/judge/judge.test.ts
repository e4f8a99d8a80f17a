/**
 * Judging mechanics with a real judge served over HTTP: the classical reference-overlap judge behind the
 * loopback OpenAI-compatible server, reached through the openai client.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { judgeHeadToHead, winRateMatrix, type PairJudgement } from './head-to-head.ts';
import { judgeCriterion, passScores } from './criteria.ts';
import { referenceOverlapJudge } from './reference-overlap-judge.ts';
import { startOpenAiTestServer, type OpenAiTestServer } from '../testing/openai-test-server.ts';
import { createOpenAiChatModel } from '../clients/openai-chat-model.ts';
import type { ChatMessage, ChatModel } from '../chat-model.ts';

const references = Array.from({ length: 40 }, (_, i) => `operating profit rose to EUR ${i + 1} million from EUR ${i} million`);
const prompts: ChatMessage[][] = references.map((_, i) => [{ role: 'user', content: `Summarize report ${i}.` }]);
const candidates = [
  { model: 'exact', outputs: references },
  { model: 'partial', outputs: references.map((reference) => reference.split(' ').slice(0, 5).join(' ')) },
  { model: 'off-topic', outputs: references.map((_, i) => `the weather in Helsinki was cold on day ${i}`) },
  { model: 'exact-copy', outputs: references.map((reference) => `${reference}\n`) },
];
let server: OpenAiTestServer;
let judge: ChatModel;

before(async () => {
  server = await startOpenAiTestServer([referenceOverlapJudge('overlap-judge')]);
  judge = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'overlap-judge', concurrency: 2 });
});
after(async () => server.close());

test('positions are swapped at random, verdicts mapped back, and identical answers tie without a judge call', async () => {
  const before = server.answered.length;
  const judgements = await judgeHeadToHead(judge, prompts, candidates, { seed: 11, references });
  // 6 pairs per row; exact vs exact-copy is identical (trailing newline only) and never reaches the judge.
  assert.equal(judgements.length, 40 * 6);
  const identical = judgements.filter((j) => j.modelA === 'exact' && j.modelB === 'exact-copy');
  assert.ok(identical.every((j) => j.winner === 'tie' && !j.judged));
  assert.equal(server.answered.length - before, 40 * 5);
  const swapped = judgements.filter((j) => j.swapped).length;
  assert.ok(swapped > 80 && swapped < 160, `swapped ${swapped} of 240`);
  // The better answer wins whether or not it was shown first: the mapping back is right.
  for (const j of judgements.filter((j) => j.judged)) {
    const raw = JSON.parse(j.rawVerdict) as { winner: string };
    const shownFirst = j.swapped ? j.modelB : j.modelA;
    const shownSecond = j.swapped ? j.modelA : j.modelB;
    assert.equal(j.winner, raw.winner === 'A' ? shownFirst : shownSecond);
    assert.match(j.explanation, /ROUGE-L/);
  }
  const matrix = winRateMatrix(['exact', 'partial', 'off-topic', 'exact-copy'], judgements);
  assert.equal(matrix.rates[0][1], 1);
  assert.equal(matrix.rates[1][2], 1);
  assert.equal(matrix.rates[2][0], 0);
  assert.equal(matrix.rates[0][3], 0.5);
  assert.equal(matrix.counts[0][1], 40);
  // Same seed, same swaps.
  const again = await judgeHeadToHead(judge, prompts.slice(0, 5), candidates, { seed: 11, references });
  assert.deepEqual(again.map((j) => j.swapped), judgements.slice(0, 30).map((j) => j.swapped));
});

test('win-rate matrix counts ties as half and leaves unparsed verdicts out', () => {
  const base = { row: 0, swapped: false, judged: true, explanation: '', rawVerdict: '' };
  const judgements: PairJudgement[] = [
    { ...base, modelA: 'x', modelB: 'y', winner: 'x' },
    { ...base, modelA: 'x', modelB: 'y', winner: 'tie' },
    { ...base, modelA: 'x', modelB: 'y', winner: 'y' },
    { ...base, modelA: 'x', modelB: 'y', winner: 'x' },
    { ...base, modelA: 'x', modelB: 'y', winner: null },
  ];
  const matrix = winRateMatrix(['x', 'y'], judgements);
  assert.equal(matrix.rates[0][1], 2.5 / 4);
  assert.equal(matrix.rates[1][0], 1.5 / 4);
  assert.ok(Number.isNaN(matrix.rates[0][0]));
  assert.equal(matrix.unparsed, 1);
});

test('criteria judge returns PASS/FAIL with a reason per output', async () => {
  const outputs = ['profit rose to EUR 5 million', 'sales fell', 'Operating PROFIT rose sharply'];
  const judgements = await judgeCriterion(judge, { name: 'mentions_profit', text: 'The answer mentions "profit rose".' }, prompts.slice(0, 3), outputs);
  assert.deepEqual(judgements.map((j) => j.pass), [true, false, true]);
  assert.match(judgements[1].reason, /missing/);
  assert.deepEqual(passScores(judgements), [1, 0, 1]);
});
