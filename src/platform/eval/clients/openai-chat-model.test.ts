/**
 * The OpenAI-compatible client against a real loopback server that serves a real model: the TF-IDF +
 * logistic-regression baseline trained on Financial PhraseBank.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APIConnectionError } from 'openai';
import { createOpenAiChatModel } from './openai-chat-model.ts';
import { startOpenAiTestServer, type OpenAiTestServer } from '../testing/openai-test-server.ts';
import { trainTfidfClassifier, type TfidfClassifier } from '../baselines/tfidf-classifier.ts';
import { readFinancialPhrasebank } from '../datasets/financial-phrasebank.ts';
import { sharedDataPath } from '../datasets/shared-data.ts';
import { lastUserText, promptOf } from '../eval-row.ts';
import type { ChatModel } from '../chat-model.ts';

const fpb = sharedDataPath('financial_phrasebank', 'sentences_allagree.jsonl');
const skip = fpb ? false : 'shared data folder ../shared/data absent';
const rows = fpb ? readFinancialPhrasebank(fpb) : [];
const testRows = rows.filter((row) => row.split === 'test').slice(0, 24);
let classifier: TfidfClassifier;
let slow: ChatModel;
let inFlight = 0;
let maxInFlight = 0;
let server: OpenAiTestServer;
const fastRetry = { baseDelayMs: 1, maxDelayMs: 5 };

before(async () => {
  if (skip) return;
  classifier = trainTfidfClassifier(rows.filter((row) => row.split === 'train'), { name: 'fpb-tfidf' });
  // The same real model, slowed down so overlapping requests can be observed.
  slow = {
    name: 'fpb-tfidf-slow',
    kind: 'baseline',
    async complete(request) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 15));
      inFlight--;
      return classifier.complete(request);
    },
  };
  server = await startOpenAiTestServer([classifier, slow]);
});
after(async () => server?.close());

test('answers through HTTP equal the model answered directly, with token usage passed through', { skip }, async () => {
  const remote = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'fpb-tfidf', name: 'remote-tfidf' });
  assert.equal(remote.name, 'remote-tfidf');
  for (const row of testRows) {
    const result = await remote.complete({ messages: promptOf(row), maxTokens: 4, temperature: 0 });
    assert.equal(result.text, classifier.predict(lastUserText(row.messages)).label);
    assert.ok(result.inputTokens > 10 && result.outputTokens === 1 && result.latencyMs > 0);
  }
  assert.equal(server.answered.at(-1)!.maxTokens, 4);
});

test('retries 429 and 5xx with backoff, honouring Retry-After, then succeeds', { skip }, async () => {
  const retries: Array<{ attempt: number; delay: number; status: number }> = [];
  const remote = createOpenAiChatModel({
    baseUrl: server.baseUrl,
    model: 'fpb-tfidf',
    retry: { ...fastRetry, onRetry: (attempt, delay, error) => retries.push({ attempt, delay, status: (error as { status: number }).status }) },
  });
  server.failNext({ status: 429, retryAfterSeconds: 0 }, { status: 500 }, { status: 503 });
  const before = server.requestCount();
  const result = await remote.complete({ messages: promptOf(testRows[0]) });
  assert.equal(result.text, classifier.predict(lastUserText(testRows[0].messages)).label);
  assert.equal(server.requestCount() - before, 4);
  assert.deepEqual(retries.map((retry) => retry.status), [429, 500, 503]);
  assert.equal(retries[0].delay, 0, 'Retry-After: 0 is honoured');
  assert.ok(retries[2].delay <= 4, 'third wait is at most base·2² with full jitter');
});

test('client errors are not retried and retries stop after maxRetries', { skip }, async () => {
  const remote = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'fpb-tfidf', retry: { ...fastRetry, maxRetries: 2 } });
  server.failNext({ status: 400 });
  let before = server.requestCount();
  await assert.rejects(remote.complete({ messages: promptOf(testRows[0]) }), { status: 400 });
  assert.equal(server.requestCount() - before, 1);
  server.failNext({ status: 500 }, { status: 500 }, { status: 500 });
  before = server.requestCount();
  await assert.rejects(remote.complete({ messages: promptOf(testRows[0]) }), { status: 500 });
  assert.equal(server.requestCount() - before, 3);
  await assert.rejects(createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'no-such-model', retry: fastRetry }).complete({ messages: promptOf(testRows[0]) }), { status: 404 });
});

test('connection failures are retried like server errors', { skip }, async () => {
  const closed = await startOpenAiTestServer([]);
  await closed.close();
  let retried = 0;
  const remote = createOpenAiChatModel({ baseUrl: closed.baseUrl, model: 'x', retry: { ...fastRetry, maxRetries: 2, onRetry: () => retried++ } });
  await assert.rejects(remote.complete({ messages: [{ role: 'user', content: 'hi' }] }), APIConnectionError);
  assert.equal(retried, 2);
});

test('never more requests in flight than the concurrency limit', { skip }, async () => {
  const remote = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'fpb-tfidf-slow', concurrency: 3 });
  maxInFlight = 0;
  const results = await Promise.all(testRows.map((row) => remote.complete({ messages: promptOf(row) })));
  assert.equal(results.length, testRows.length);
  assert.equal(maxInFlight, 3);
});

test('a missing API key variable is a clear error', () => {
  delete process.env.SLING_TEST_MISSING_KEY;
  assert.throws(() => createOpenAiChatModel({ baseUrl: 'http://127.0.0.1:9/v1', model: 'x', apiKeyEnv: 'SLING_TEST_MISSING_KEY' }), {
    code: 'remote_model_no_api_key',
  });
});
