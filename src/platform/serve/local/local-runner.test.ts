import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../../engine/models/generate/generate.ts';
import { createTinyRandomModel } from '../../../engine/models/tiny-random.ts';
import { adapterScale, deltaWeight } from '../../../engine/train/adapter/lora-adapter.ts';
import type { GenerationParams } from '../serving-model.ts';
import { LocalRunner } from './local-runner.ts';
import { randomAdapter, writeRandomAdapters } from './test-adapters.ts';

const greedy: GenerationParams = { maxTokens: 12, temperature: 0, topP: 1, stop: [] };

/** Reference: the adapter merged into the weights (W + s·B·A) of a fresh copy, decoded by the engine's own generate. */
function mergedReference(seed: number | null, prompt: string): string {
  const tiny = createTinyRandomModel({ seed: 0 });
  if (seed !== null) {
    const adapter = randomAdapter(tiny.model, seed);
    const scale = adapterScale(adapter.config);
    const modules = new Map(tiny.model.linearModules());
    for (const [name, pair] of adapter.layers) {
      const weight = modules.get(name)!.namedParameters().find(([parameter]) => parameter === 'weight')![1].values;
      const delta = deltaWeight(pair, scale);
      for (let index = 0; index < weight.length; index++) weight[index] += delta[index];
    }
  }
  const ids = tiny.tokenizer.encode(prompt, { addBos: true });
  return generate(tiny.model, tiny.tokenizer, ids, { maxTokens: 12, temperature: 0 }).text;
}

test('one batch mixing the base and two adapters equals each adapter merged into the weights', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-adapters-'));
  try {
    const tiny = createTinyRandomModel({ seed: 0 });
    const runner = new LocalRunner('tiny', tiny.model, tiny.tokenizer, tiny.chatTemplate);
    const [first, second] = writeRandomAdapters(tiny.model, folder, 2, 100);
    const adapterA = await runner.loadAdapter({ name: 'a', path: first, origin: 'folder' });
    const adapterB = await runner.loadAdapter({ name: 'b', path: second, origin: 'folder' });
    assert.ok(adapterA.bytes > 0);
    const prompts = ['Hello there', 'A much longer prompt here', 'Hi'];
    const outputs = await runner.generateBatch([
      { prompt: { kind: 'text', text: prompts[0] }, params: greedy, adapter: null },
      { prompt: { kind: 'text', text: prompts[1] }, params: greedy, adapter: adapterA },
      { prompt: { kind: 'text', text: prompts[2] }, params: greedy, adapter: adapterB },
    ]);
    const texts = outputs.map((output) => {
      assert.ok(!(output instanceof Error), String(output));
      return output.text;
    });
    assert.equal(texts[0], mergedReference(null, prompts[0]));
    assert.equal(texts[1], mergedReference(100, prompts[1]));
    assert.equal(texts[2], mergedReference(101, prompts[2]));
    assert.notEqual(mergedReference(100, prompts[1]), mergedReference(null, prompts[1]), 'the adapter changes the output');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a row that cannot run fails alone; streaming deltas add up to the text', async () => {
  const tiny = createTinyRandomModel({ seed: 0 });
  const runner = new LocalRunner('tiny', tiny.model, tiny.tokenizer, tiny.chatTemplate);
  let streamed = '';
  const outputs = await runner.generateBatch([
    { prompt: { kind: 'text', text: 'x'.repeat(3000) }, params: greedy, adapter: null },
    { prompt: { kind: 'chat', messages: [{ role: 'user', content: 'hi' }] }, params: greedy, adapter: null, onText: (delta) => (streamed += delta) },
  ]);
  assert.ok(outputs[0] instanceof Error);
  assert.match((outputs[0] as Error).message, /context holds 2048/);
  const second = outputs[1];
  assert.ok(!(second instanceof Error));
  assert.equal(streamed, second.text);
  assert.equal(second.completionTokens, 12);
  assert.equal(second.finishReason, 'length');
});

test('served answers equal the evaluation path (LocalChatModel with the adapter applied as LoraLinear), plain and JSON-constrained', async () => {
  const { loadLocalModel } = await import('../../inference/local-model.ts');
  const { LocalChatModel } = await import('../../inference/local-chat-model.ts');
  const folder = mkdtempSync(join(tmpdir(), 'sling-adapters-'));
  try {
    const tiny = createTinyRandomModel({ seed: 0 });
    const runner = new LocalRunner('tiny', tiny.model, tiny.tokenizer, tiny.chatTemplate);
    const [path] = writeRandomAdapters(tiny.model, folder, 1, 300);
    const adapter = await runner.loadAdapter({ name: 'a', path, origin: 'folder' });
    const reference = new LocalChatModel(await loadLocalModel('tiny-random', { adapterPath: path }));
    const messages = [{ role: 'user' as const, content: 'Classify: shares rose 5%' }];
    const schema = { type: 'object', properties: { label: { type: 'string', enum: ['positive', 'negative', 'neutral'] } }, required: ['label'] };
    for (const responseFormat of [undefined, { type: 'json_schema' as const, schema }]) {
      const [served] = await runner.generateBatch([{ prompt: { kind: 'chat', messages }, params: { ...greedy, maxTokens: 24, responseFormat }, adapter }]);
      const expected = await reference.complete({ messages, maxTokens: 24, temperature: 0, responseFormat });
      assert.ok(!(served instanceof Error));
      assert.equal(served.text, expected.text);
      assert.equal(served.completionTokens, expected.outputTokens);
      if (responseFormat) assert.ok(['positive', 'negative', 'neutral'].includes(JSON.parse(served.text).label));
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('batches decoding at the same time (each with its own adapters) give the same answers as one at a time', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-adapters-'));
  try {
    const tiny = createTinyRandomModel({ seed: 0 });
    const runner = new LocalRunner('tiny', tiny.model, tiny.tokenizer, tiny.chatTemplate);
    const paths = writeRandomAdapters(tiny.model, folder, 2, 400);
    const [a, b] = await Promise.all(paths.map((path, index) => runner.loadAdapter({ name: `a${index}`, path, origin: 'folder' })));
    const row = (text: string, adapter: typeof a | null, maxTokens: number) => ({ prompt: { kind: 'text' as const, text }, params: { ...greedy, maxTokens }, adapter });
    const first = [row('one', a, 20), row('two', null, 6)];
    const second = [row('three', b, 10), row('four', a, 14)];
    const alone = [...(await runner.generateBatch(first)), ...(await runner.generateBatch(second))];
    const together = (await Promise.all([runner.generateBatch(first), runner.generateBatch(second)])).flat();
    assert.deepEqual(together.map((output) => (output as { text: string }).text), alone.map((output) => (output as { text: string }).text));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('continuous batching: sequences with different adapters and lengths, joining mid-flight, equal each decoded alone (greedy, token for token)', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-adapters-'));
  try {
    const tiny = createTinyRandomModel({ seed: 0 });
    const runner = new LocalRunner('tiny', tiny.model, tiny.tokenizer, tiny.chatTemplate, { maxBatchSize: 4 });
    const paths = writeRandomAdapters(tiny.model, folder, 3, 700);
    const adapters = await Promise.all(paths.map((path, index) => runner.loadAdapter({ name: `a${index}`, path, origin: 'folder' })));
    const cases = [
      ['Hi', null, 9], ['A much longer prompt than the others, with more words', adapters[0], 20], ['Once', adapters[1], 3],
      ['The cat sat', adapters[2], 15], ['Tell me a story about a dog', adapters[0], 11], ['x', null, 17], ['Seven', adapters[1], 6],
    ] as const;
    const rows = cases.map(([text, adapter, maxTokens]) => ({ prompt: { kind: 'text' as const, text }, params: { ...greedy, maxTokens }, adapter }));
    const alone: Awaited<ReturnType<typeof runner.generateBatch>> = [];
    for (const row of rows) alone.push((await runner.generateBatch([row]))[0]);
    // Seven requests over four slots, the last three submitted while the first ones decode: they wait for
    // free slots and join the running batch between steps.
    const first = runner.generateBatch(rows.slice(0, 4));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const later = rows.slice(4).map((row) => runner.generateBatch([row]).then(([output]) => output));
    const together = [...(await first), ...(await Promise.all(later))];
    together.forEach((output, index) => {
      assert.ok(!(output instanceof Error) && !(alone[index] instanceof Error));
      assert.equal(output.text, alone[index].text, `row ${index}`);
      assert.equal(output.completionTokens, alone[index].completionTokens, `row ${index}`);
    });
    const baseAlone = generate(tiny.model, tiny.tokenizer, tiny.tokenizer.encode('x', { addBos: true }), { maxTokens: 17, temperature: 0 });
    assert.equal((together[5] as { text: string }).text, baseAlone.text, 'the base row equals the engine generate');
    assert.ok(runner.batchStats.largestBatch === 4 && runner.batchStats.mixedAdapterBatches > 0, JSON.stringify(runner.batchStats));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the event loop runs between decode steps: a request submitted during a long generation streams before it ends', async () => {
  const tiny = createTinyRandomModel({ seed: 0 });
  const runner = new LocalRunner('tiny', tiny.model, tiny.tokenizer, tiny.chatTemplate);
  const events: string[] = [];
  const long = runner.generateBatch([{ prompt: { kind: 'text', text: 'long' }, params: { ...greedy, maxTokens: 200 }, adapter: null }]).then(() => events.push('long done'));
  let ticks = 0;
  await new Promise<void>((resolve) => {
    const tick = () => (++ticks < 5 ? setImmediate(tick) : resolve());
    setImmediate(tick);
  });
  const short = runner.generateBatch([{ prompt: { kind: 'text', text: 'short' }, params: { ...greedy, maxTokens: 3 }, adapter: null, onText: () => events.push('short text') }]).then(() => events.push('short done'));
  await Promise.all([long, short]);
  assert.equal(events.at(-1), 'long done', events.join(', '));
  assert.ok(events.includes('short done'));
});
