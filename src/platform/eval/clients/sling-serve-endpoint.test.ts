/**
 * An OpenAI-compatible endpoint that is Sling's own server: `sling serve`'s stack on loopback (API key, request
 * logging, batching, a base model and PEFT adapters) reached through the openai client. Evaluating the base and
 * an adapter over HTTP must give the answers, metrics and token counts of the same models run in-process.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadLocalModel } from '../../inference/local-model.ts';
import { LocalChatModel } from '../../inference/local-chat-model.ts';
import { startTestServer, type TestServer } from '../../serve/test-server.ts';
import { readFinancialPhrasebank } from '../datasets/financial-phrasebank.ts';
import { sharedDataPath } from '../datasets/shared-data.ts';
import { evaluate } from '../run/evaluate.ts';
import { createOpenAiChatModel } from './openai-chat-model.ts';

const fpb = sharedDataPath('financial_phrasebank', 'sentences_allagree.jsonl');
const skip = fpb ? false : 'shared data folder ../shared/data absent';
let server: TestServer;

before(async () => {
  if (skip) return;
  server = await startTestServer({ adapters: 1 });
  process.env.SLING_TEST_SERVE_KEY = server.key;
});
after(async () => {
  delete process.env.SLING_TEST_SERVE_KEY;
  await server?.close();
});

test('a base model and an adapter evaluated through sling serve equal the same models run in-process', { skip }, async () => {
  const rows = readFinancialPhrasebank(fpb!).filter((row) => row.split === 'test').slice(0, 10);
  const adapterFolder = join(server.workspace.root, '../adapters/adapter-0');
  const remote = (model: string) => createOpenAiChatModel({ baseUrl: `${server.url}/v1`, model, apiKeyEnv: 'SLING_TEST_SERVE_KEY', concurrency: 4 });
  const local = [new LocalChatModel(await loadLocalModel('tiny-random')), new LocalChatModel(await loadLocalModel('tiny-random', { adapterPath: adapterFolder }))];
  const options = { maxTokens: 6, temperature: 0, seed: 3 };
  const overHttp = await evaluate([remote('tiny'), remote('tiny:adapter-0')], rows, options);
  const inProcess = await evaluate(local, rows, options);

  for (const [index, summary] of overHttp.summaries.entries()) {
    const expected = inProcess.summaries[index];
    assert.equal(summary.errors, 0, `${summary.model}: no failed rows`);
    assert.deepEqual(summary.metrics, expected.metrics, `${summary.model}: same metrics and intervals`);
    assert.deepEqual(summary.tokens, expected.tokens, `${summary.model}: same token counts`);
  }
  const answers = (result: typeof overHttp) => result.runs.map((run) => [...run.outputs]);
  assert.deepEqual(answers(overHttp), answers(inProcess), 'same greedy answers row for row');
  assert.notDeepEqual(answers(overHttp)[0], answers(overHttp)[1], 'the adapter changes the answers');

  await server.stack.recorder.flush();
  const logged = await server.workspace.store.serving.listRequestLogs({ limit: 100 });
  assert.equal(logged.filter((log) => log.status === 200).length, 2 * rows.length, 'every evaluated row was served and logged');
});
