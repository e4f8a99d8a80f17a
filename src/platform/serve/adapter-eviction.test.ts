/**
 * Adapters under a memory budget through the real server: with room for two adapters, using a third evicts the
 * least recently used one, and asking for an evicted adapter loads it again with the same answers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startTestServer, type TestServer } from './test-server.ts';

let server: TestServer;
let client: OpenAI;

before(async () => {
  // One tiny-random adapter (r=4 on q_proj 128→128 and v_proj 128→64 in 4 layers) holds 7,168 floats = 28.7 kB.
  server = await startTestServer({ adapters: 3, adapterBudgetBytes: 2 * 40_000 });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.key, maxRetries: 0 });
});
after(async () => server.close());

const ask = async (model: string) =>
  (await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 6, temperature: 0 })).choices[0].message.content;

test('least recently used adapters are evicted under the budget and reload on demand', async () => {
  const cache = server.stack.registry.adapters;
  const first = await ask('tiny:adapter-0');
  await ask('tiny:adapter-1');
  assert.deepEqual(cache.keys(), ['tiny:adapter-0', 'tiny:adapter-1']);
  assert.ok(cache.bytes <= cache.budgetBytes, `${cache.bytes} bytes held`);
  await ask('tiny:adapter-0'); // adapter-0 becomes the most recently used
  await ask('tiny:adapter-2');
  assert.deepEqual(cache.keys(), ['tiny:adapter-0', 'tiny:adapter-2']);
  assert.equal(cache.evictions, 1);
  await ask('tiny:adapter-1');
  assert.deepEqual(cache.keys(), ['tiny:adapter-2', 'tiny:adapter-1']);
  assert.equal(await ask('tiny:adapter-0'), first, 'a reloaded adapter answers as before');
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /^sling_adapters_loaded 2$/m);
});
