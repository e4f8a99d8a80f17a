/**
 * The logging proxy in front of a real Sling server on another loopback port, driven by the openai client:
 * answers pass through unchanged (plain and streamed), logs hold the reassembled response, usage and tags,
 * `x-sling-log: false` opts out, upstream errors pass through, and a failing log store never fails a request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { RequestLogRepository, type RequestLogInput } from '../request-logs.ts';
import { listen, type RunningServer } from '../server.ts';
import { startTestServer, type TestServer } from '../test-server.ts';
import { createProxyApp, type ProxyApp } from './proxy-app.ts';

let upstream: TestServer;
let proxy: ProxyApp;
let proxyServer: RunningServer;
let logs: RequestLogRepository;
let direct: OpenAI;
let proxied: OpenAI;

before(async () => {
  upstream = await startTestServer();
  logs = new RequestLogRepository(upstream.workspace.store.runner); // the proxy logs into the same workspace
  proxy = createProxyApp({ upstream: `${upstream.url}/v1`, logs, pricing: { inputPerMillion: 1, outputPerMillion: 2 } });
  proxyServer = await listen(proxy.app.fetch, { host: '127.0.0.1', port: 0, auth: false });
  direct = new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: upstream.key, maxRetries: 0 });
  proxied = new OpenAI({ baseURL: `${proxyServer.url}/v1`, apiKey: upstream.key, maxRetries: 0, defaultHeaders: { 'x-sling-tags': 'app=proxy-test' } });
});
after(async () => {
  await proxyServer.close();
  await upstream.close();
});

const request = { model: 'tiny:adapter-0', messages: [{ role: 'user' as const, content: 'Hello' }], max_tokens: 7, temperature: 0 };

async function proxyLogs() {
  await proxy.flush();
  return (await logs.list({ tags: { app: 'proxy-test' } })).filter((log) => log.details.source === 'proxy' || log.response === null);
}

test('a plain answer passes through unchanged and is logged with usage, cost and tags', async () => {
  const viaProxy = await proxied.chat.completions.create(request);
  const viaServer = await direct.chat.completions.create(request);
  assert.equal(viaProxy.choices[0].message.content, viaServer.choices[0].message.content);
  assert.deepEqual(viaProxy.usage, viaServer.usage);
  const [log] = await proxyLogs();
  assert.equal(log.details.source, 'proxy');
  assert.equal(log.model, 'tiny:adapter-0');
  assert.equal(log.status, 200);
  assert.equal(log.completionTokens, 7);
  assert.deepEqual(log.tags, { app: 'proxy-test' });
  assert.equal(((log.response!.choices as { message: { content: string } }[])[0]).message.content, viaProxy.choices[0].message.content);
  assert.equal(log.details.cost, (log.promptTokens! * 1 + 7 * 2) / 1e6);
});

test('a streamed answer arrives chunk for chunk and is logged reassembled', async () => {
  const stream = await proxied.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let usage = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  const whole = await direct.chat.completions.create(request);
  assert.equal(text, whole.choices[0].message.content);
  assert.deepEqual(usage, whole.usage);
  const [log] = await proxyLogs();
  assert.equal(((log.response!.choices as { message: { content: string }; finish_reason: string }[])[0]).message.content, text);
  assert.equal(((log.response!.choices as { finish_reason: string }[])[0]).finish_reason, 'length');
  assert.deepEqual(log.response!.usage, whole.usage);
  assert.equal((log.request as { stream: boolean }).stream, true);
});

test('x-sling-log: false is not logged; upstream errors pass through and are logged', async () => {
  const before = (await proxyLogs()).length;
  await proxied.chat.completions.create(request, { headers: { 'x-sling-log': 'false' } });
  assert.equal((await proxyLogs()).length, before);
  const stranger = new OpenAI({ baseURL: `${proxyServer.url}/v1`, apiKey: 'not-a-key', maxRetries: 0, defaultHeaders: { 'x-sling-tags': 'app=proxy-test' } });
  await assert.rejects(stranger.chat.completions.create(request), (error: unknown) => error instanceof OpenAI.AuthenticationError && error.code === 'invalid_api_key');
  const [log] = await proxyLogs();
  assert.equal(log.status, 401);
  assert.match(log.error!, /Incorrect or revoked API key/);
});

test('when logging fails the request still succeeds', async () => {
  const failing = createProxyApp({ upstream: `${upstream.url}/v1`, logs: { insert: async (_log: RequestLogInput) => { throw new Error('disk full'); } } });
  const server = await listen(failing.app.fetch, { host: '127.0.0.1', port: 0, auth: false });
  const errors: string[] = [];
  const original = console.error;
  console.error = (message: string) => errors.push(message);
  try {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: upstream.key, maxRetries: 0 });
    const answer = await client.chat.completions.create(request);
    assert.equal(answer.usage?.completion_tokens, 7);
    await failing.flush();
    assert.equal(errors.length, 1);
    assert.match(errors[0], /disk full/);
  } finally {
    console.error = original;
    await server.close();
  }
});

test('an unreachable upstream is a 502 in OpenAI error form', async () => {
  const nowhere = createProxyApp({ upstream: 'http://127.0.0.1:1/v1', logs: null });
  const server = await listen(nowhere.app.fetch, { host: '127.0.0.1', port: 0, auth: false });
  try {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'x', maxRetries: 0 });
    await assert.rejects(client.models.list(), (error: unknown) => error instanceof OpenAI.InternalServerError && error.status === 502);
  } finally {
    await server.close();
  }
});
