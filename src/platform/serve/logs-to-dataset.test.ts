import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { datasetFromLogs } from './logs-to-dataset.ts';
import { startTestServer, type TestServer } from './test-server.ts';

let server: TestServer;

before(async () => {
  server = await startTestServer();
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.key, maxRetries: 0, defaultHeaders: { 'x-sling-tags': 'app=support' } });
  const ask = (content: string) => client.chat.completions.create({ model: 'tiny:adapter-1', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content }], max_tokens: 6, temperature: 0 });
  await ask('first question');
  await ask('second question');
  await ask('first question'); // the same conversation again: deduplicated on import
  const stream = await client.chat.completions.create({ model: 'tiny:adapter-0', messages: [{ role: 'user', content: 'streamed' }], max_tokens: 6, temperature: 0, stream: true });
  for await (const _chunk of stream);
  await client.completions.create({ model: 'tiny', prompt: 'legacy', max_tokens: 3 });
  await assert.rejects(client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'x' }], temperature: 9 }));
  await client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'other app' }], max_tokens: 3 }, { headers: { 'x-sling-tags': 'app=other' } });
  await server.stack.recorder.flush();
});
after(async () => server.close());

test('logged chat completions become a dataset version: request messages + the answer, deduplicated, others skipped with reasons', async () => {
  const report = await datasetFromLogs(server.workspace.store, { name: 'support-traffic', filter: { tags: { app: 'support' } } });
  assert.equal(report.logs, 6);
  assert.deepEqual(report.skipped, { 'endpoint /v1/completions': 1, 'status 400': 1 });
  const { version, imported, duplicates } = report.import!;
  assert.equal(imported, 3);
  assert.equal(duplicates, 1);
  const rows = await server.workspace.store.datasets.readRows(version.id);
  const logs = await server.stack.logs!.list({ tags: { app: 'support' }, status: 200 });
  const streamed = rows.find((row) => row.messages[0].content === 'streamed')!;
  const streamedLog = logs.find((log) => log.model === 'tiny:adapter-0')!;
  assert.deepEqual(streamed.messages, [
    { role: 'user', content: 'streamed' },
    { role: 'assistant', content: ((streamedLog.response!.choices as { message: { content: string } }[])[0]).message.content },
  ]);
  assert.equal(streamed.metadata.model, 'tiny:adapter-0');
  assert.equal(streamed.metadata.logId, streamedLog.id);
  const first = rows.find((row) => row.messages[1]?.content === 'first question')!;
  assert.equal(first.messages[0].role, 'system');
  assert.equal(first.messages.length, 3);
  assert.equal(rows.filter((row) => row.messages.some((message) => message.content === 'other app')).length, 0);
});
