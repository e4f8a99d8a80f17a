/**
 * The server driven by the official `openai` npm client (v6), as users will drive it: the tiny-random base
 * model and two real PEFT adapters, generating for real.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startTestServer, type TestServer } from './test-server.ts';

let server: TestServer;
let client: OpenAI;

before(async () => {
  server = await startTestServer();
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.key, maxRetries: 0 });
});
after(async () => server.close());

const hello = [{ role: 'user' as const, content: 'Hello' }];

test('models lists the base and every adapter', async () => {
  const ids: string[] = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.deepEqual(ids.sort(), ['tiny', 'tiny:adapter-0', 'tiny:adapter-1']);
});

test('chat completion: text, usage and finish reason', async () => {
  const completion = await client.chat.completions.create({ model: 'tiny', messages: hello, max_tokens: 8, temperature: 0 });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(typeof completion.choices[0].message.content, 'string');
  assert.equal(completion.choices[0].finish_reason, 'length');
  assert.equal(completion.usage?.completion_tokens, 8);
  assert.ok((completion.usage?.prompt_tokens ?? 0) > 5);
  assert.equal(completion.usage?.total_tokens, completion.usage!.prompt_tokens + 8);
});

test('streamed chat equals the non-streamed answer and ends with a usage chunk', async () => {
  const request = { model: 'tiny', messages: hello, max_tokens: 10, temperature: 0 };
  const whole = await client.chat.completions.create(request);
  const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.length >= 3);
  assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0].id));
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
  assert.equal(text, whole.choices[0].message.content);
  const finish = chunks.at(-2)!;
  assert.equal(finish.choices[0].finish_reason, 'length');
  const usage = chunks.at(-1)!;
  assert.deepEqual(usage.choices, []);
  assert.deepEqual(usage.usage, whole.usage);
});

test('legacy completions, plain and streamed', async () => {
  const completion = await client.completions.create({ model: 'tiny', prompt: 'Once upon a time', max_tokens: 6, temperature: 0 });
  assert.equal(completion.object, 'text_completion');
  assert.equal(completion.usage?.completion_tokens, 6);
  const stream = await client.completions.create({ model: 'tiny', prompt: 'Once upon a time', max_tokens: 6, temperature: 0, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  assert.equal(text, completion.choices[0].text);
});

test('json_schema output parses and validates; json_object gives an object', async () => {
  const schema = {
    type: 'object',
    properties: { sentiment: { type: 'string', enum: ['positive', 'negative', 'neutral'] }, score: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
    required: ['sentiment', 'score', 'tags'],
    additionalProperties: false,
  };
  for (const seed of [1, 2, 3]) {
    const completion = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'Rate: great product' }],
      temperature: 1,
      seed,
      max_tokens: 60,
      response_format: { type: 'json_schema', json_schema: { name: 'rating', schema, strict: true } },
    });
    const value = JSON.parse(completion.choices[0].message.content!);
    assert.deepEqual(Object.keys(value).sort(), ['score', 'sentiment', 'tags']);
    assert.ok(['positive', 'negative', 'neutral'].includes(value.sentiment));
    assert.ok(Number.isInteger(value.score));
    assert.ok(Array.isArray(value.tags) && value.tags.every((tag: unknown) => typeof tag === 'string'));
  }
  const object = await client.chat.completions.create({ model: 'tiny', messages: hello, max_tokens: 30, temperature: 0.8, seed: 5, response_format: { type: 'json_object' } });
  const parsed = JSON.parse(object.choices[0].message.content!);
  assert.equal(typeof parsed, 'object');
  assert.ok(parsed !== null && !Array.isArray(parsed));
});

test('adapter selection: adapters change the answer, and concurrent requests for different adapters share batches', async () => {
  const ask = (model: string) => client.chat.completions.create({ model, messages: hello, max_tokens: 8, temperature: 0 });
  const base = await ask('tiny');
  const [first, second, again] = await Promise.all([ask('tiny:adapter-0'), ask('tiny:adapter-1'), ask('tiny')]);
  assert.notEqual(first.choices[0].message.content, base.choices[0].message.content);
  assert.notEqual(first.choices[0].message.content, second.choices[0].message.content);
  assert.equal(again.choices[0].message.content, base.choices[0].message.content);
  const scheduler = (await server.stack.registry.loadedSchedulers()).get('tiny')!;
  assert.ok(scheduler.stats.mixedAdapterBatches >= 1, `no mixed batch in ${JSON.stringify(scheduler.stats)}`);
  await assert.rejects(ask('tiny:nope'), (error: unknown) => error instanceof OpenAI.NotFoundError && /adapter 'nope'/.test(error.message));
  await assert.rejects(ask('huge'), (error: unknown) => error instanceof OpenAI.NotFoundError && error.code === 'model_not_found');
});

test('authentication errors are 401', async () => {
  for (const apiKey of ['wrong', `sling_000000000000_${'x'.repeat(32)}`]) {
    const stranger = new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });
    await assert.rejects(stranger.models.list(), (error: unknown) => error instanceof OpenAI.AuthenticationError && error.status === 401);
  }
  const response = await fetch(`${server.url}/v1/models`);
  assert.equal(response.status, 401);
  assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'missing_api_key');
  const { key, record } = await server.stack.keys!.create({ name: 'short-lived' });
  const holder = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
  await holder.models.list();
  await server.stack.keys!.revoke(String(record.id));
  await assert.rejects(holder.models.list(), OpenAI.AuthenticationError);
});

test('bad bodies and unsupported fields are 400 with OpenAI error objects', async () => {
  const bad = async (body: Record<string, unknown>, param: string | null, code?: string) => {
    await assert.rejects(client.chat.completions.create(body as never), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      assert.equal(error.status, 400);
      assert.equal(error.param, param);
      if (code) assert.equal(error.code, code);
      assert.equal(error.type, 'invalid_request_error');
      return true;
    });
  };
  await bad({ model: 'tiny', messages: hello, temperature: 7 }, 'temperature');
  await bad({ model: 'tiny', messages: 'hello' }, 'messages');
  await bad({ model: 'tiny', messages: hello, max_tokens: -1 }, 'max_tokens');
  await bad({ model: 'tiny', messages: hello, tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }, 'tools', 'unsupported_parameter');
  await bad({ model: 'tiny', messages: hello, n: 2 }, 'n', 'unsupported_parameter');
  await bad({ model: 'tiny', messages: hello, logprobs: true }, 'logprobs', 'unsupported_parameter');
  await bad({ model: 'tiny', messages: hello, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } }, max_tokens: 2 }, 'max_tokens');
  const raw = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' }, body: '{"model": "tiny", ' });
  assert.equal(raw.status, 400);
  assert.equal(((await raw.json()) as { error: { code: string } }).error.code, 'invalid_json');
  const huge = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] }) });
  assert.equal(huge.status, 413);
});

test('rate limits answer 429 with retry-after', async () => {
  const { key } = await server.stack.keys!.create({ name: 'limited', rateLimitPerMinute: 2 });
  const limited = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
  await limited.models.list();
  await limited.models.list();
  await assert.rejects(limited.models.list(), (error: unknown) => {
    assert.ok(error instanceof OpenAI.RateLimitError);
    assert.equal(error.status, 429);
    assert.equal(error.headers.get('retry-after'), '30');
    return true;
  });
  await client.models.list(); // other keys are not affected
});

test('requests are logged with tags, tokens and the reassembled streamed answer; metrics count them', async () => {
  const tagged = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.key, maxRetries: 0, defaultHeaders: { 'x-sling-tags': 'team=search, run=7' } });
  const stream = await tagged.chat.completions.create({ model: 'tiny:adapter-1', messages: hello, max_tokens: 5, temperature: 0, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  await server.stack.recorder.flush();
  const [log] = await server.stack.logs!.list({ tags: { team: 'search' } });
  assert.equal(log.model, 'tiny:adapter-1');
  assert.equal(log.adapter, 'adapter-1');
  assert.equal(log.status, 200);
  assert.deepEqual(log.tags, { team: 'search', run: '7' });
  assert.equal(log.completionTokens, 5);
  assert.deepEqual((log.request.messages as unknown[])[0], hello[0]);
  assert.equal(((log.response!.choices as { message: { content: string } }[])[0]).message.content, text);
  assert.ok(log.latencyMs! > 0);
  assert.ok((log.details.cost ?? 0) > 0);
  await tagged.chat.completions.create({ model: 'tiny', messages: hello, max_tokens: 2 }, { headers: { 'x-sling-tags': 'team=private', 'x-sling-log': 'false' } });
  await server.stack.recorder.flush();
  assert.deepEqual(await server.stack.logs!.list({ tags: { team: 'private' } }), [], 'x-sling-log: false opts out');
  const failures = await server.stack.logs!.list({ status: 'error' });
  assert.ok(failures.some((entry) => entry.status === 400 && /temperature/.test(entry.error ?? '')));
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /sling_requests_total\{model="tiny:adapter-1",status="200"\} [1-9]/);
  assert.match(metrics, /sling_request_duration_seconds_bucket\{model="tiny",le="\+Inf"\} [1-9]/);
  const health = await (await fetch(`${server.url}/health`)).json();
  assert.deepEqual(health, { status: 'ok', models: ['tiny'] });
});

test('a client that disconnects mid-stream stops its generation (logged as 499) without disturbing others', async () => {
  const long = await client.chat.completions.create(
    { model: 'tiny', messages: hello, max_tokens: 2000, temperature: 0, stream: true },
    { headers: { 'x-sling-tags': 'case=abort' } },
  );
  const other = client.chat.completions.create({ model: 'tiny:adapter-0', messages: hello, max_tokens: 40, temperature: 0 });
  let chunks = 0;
  for await (const _chunk of long) if (++chunks === 5) break; // leaving the loop aborts the HTTP request
  assert.equal((await other).usage?.completion_tokens, 40);
  let log;
  for (let attempt = 0; attempt < 50 && !log; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    await server.stack.recorder.flush();
    [log] = await server.stack.logs!.list({ tags: { case: 'abort' } });
  }
  assert.equal(log?.status, 499);
  assert.ok(log!.completionTokens! < 2000, `generation went on for ${log!.completionTokens} tokens`);
});

test('a long generation does not hold up a request that arrives while it runs', async () => {
  const long = await client.chat.completions.create({ model: 'tiny', messages: hello, max_tokens: 600, temperature: 0, stream: true });
  let chunks = 0;
  let chunksWhenShortDone = -1;
  const reading = (async () => {
    for await (const _chunk of long) chunks++;
  })();
  while (chunks < 3) await new Promise((resolve) => setTimeout(resolve, 5));
  const short = await client.chat.completions.create({ model: 'tiny:adapter-1', messages: hello, max_tokens: 3, temperature: 0 });
  chunksWhenShortDone = chunks;
  await reading;
  assert.equal(short.usage?.completion_tokens, 3);
  assert.ok(chunksWhenShortDone < chunks - 100, `the short request finished after ${chunksWhenShortDone} of ${chunks} chunks of the long one`);
});

test('a client that hangs up on a plain (non-streamed) request stops its generation too', async () => {
  const controller = new AbortController();
  const pending = client.chat.completions.create({ model: 'tiny', messages: hello, max_tokens: 2000, temperature: 0 }, { signal: controller.signal, headers: { 'x-sling-tags': 'case=hangup' } });
  setTimeout(() => controller.abort(), 150);
  await assert.rejects(pending);
  let log;
  for (let attempt = 0; attempt < 100 && !log; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    await server.stack.recorder.flush();
    [log] = await server.stack.logs!.list({ tags: { case: 'hangup' } });
  }
  assert.equal(log?.status, 499);
  assert.ok(log!.completionTokens! < 2000, `generation went on for ${log!.completionTokens} tokens`);
});
