/**
 * A real local language model as the judge: Karpathy's stories260K (TinyStories) on Sling's engine, served by
 * the loopback OpenAI-compatible server and reached with the openai client. It has no judgement worth the
 * name; the test checks the mechanics around a real model: the verdict JSON schema travels over HTTP and
 * constrains its decoding (so every verdict parses), identical answers skip the judge, swaps map back.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadLocalModel } from '../../inference/local-model.ts';
import { LocalChatModel } from '../../inference/local-chat-model.ts';
import { startOpenAiTestServer, type OpenAiTestServer } from '../testing/openai-test-server.ts';
import { createOpenAiChatModel } from '../clients/openai-chat-model.ts';
import { sharedDataPath } from '../datasets/shared-data.ts';
import { judgeHeadToHead, winRateMatrix } from './head-to-head.ts';
import { judgeCriterion } from './criteria.ts';
import type { ChatModel } from '../chat-model.ts';

const gguf = sharedDataPath('stories260K', 'stories260K.gguf');
const skip = gguf ? false : 'shared data folder ../shared/data absent';
let server: OpenAiTestServer;
let judge: ChatModel;

before(async () => {
  if (skip) return;
  const local = new LocalChatModel({ ...(await loadLocalModel(gguf!)), name: 'stories260K' });
  server = await startOpenAiTestServer([local]);
  judge = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'stories260K', concurrency: 1 });
});
after(async () => server?.close());

test('head-to-head and criteria with a real local model as judge', { skip }, async () => {
  const prompts = ['Tell me about the cat.', 'What did Lily do?', 'Where is the ball?'].map((content) => [{ role: 'user' as const, content }]);
  const candidates = [
    { model: 'first', outputs: ['The cat sat on the mat.', 'Lily played.', 'In the park.'] },
    { model: 'second', outputs: ['A dog ran home.', 'Lily played.', 'Under the bed.'] },
  ];
  const before = server.answered.length;
  const judgements = await judgeHeadToHead(judge, prompts, candidates, { seed: 1, maxTokens: 48 });
  assert.equal(server.answered.length - before, 2, 'the identical pair on row 1 is not sent');
  assert.deepEqual(server.answered.at(-1)!.responseFormat!.type, 'json_schema');
  for (const judgement of judgements.filter((j) => j.judged)) {
    const raw = JSON.parse(judgement.rawVerdict) as { winner: string };
    assert.ok(['A', 'B', 'tie'].includes(raw.winner), judgement.rawVerdict);
    const expected = raw.winner === 'tie' ? 'tie' : (raw.winner === 'A') !== judgement.swapped ? 'first' : 'second';
    assert.equal(judgement.winner, expected);
  }
  const matrix = winRateMatrix(['first', 'second'], judgements);
  assert.equal(matrix.unparsed, 0);
  assert.equal(matrix.counts[0][1], 3);
  assert.ok(Math.abs(matrix.rates[0][1] + matrix.rates[1][0] - 1) < 1e-12);

  const verdicts = await judgeCriterion(judge, { name: 'mentions_cat', text: 'The answer mentions a cat.' }, prompts, candidates[0].outputs, { maxTokens: 48 });
  assert.equal(verdicts.length, 3);
  for (const verdict of verdicts) assert.equal(typeof verdict.pass, 'boolean', verdict.rawVerdict);
});
