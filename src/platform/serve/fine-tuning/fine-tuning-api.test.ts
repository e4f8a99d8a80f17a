/**
 * The fine-tuning API driven by the official `openai` npm client (v6) against a Sling server on loopback serving
 * stories260K: upload, create, follow events, checkpoints, list, cancel, errors, and the finished model answering
 * chat completions — differently from its base, since the adapter was really trained.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI, { toFile } from 'openai';
import { initWorkspace, type Workspace } from '../../workspace/index.ts';
import { localModelSpec } from '../local/local-runner.ts';
import { createServeStack, type ServeStack } from '../serve-stack.ts';
import { listen, type RunningServer } from '../server.ts';

const stories = fileURLToPath(new URL('../../../../../shared/data/stories260K/stories260K.bin', import.meta.url));
const skip = existsSync(stories) ? false : `${stories} is absent`;

let folder: string;
let workspace: Workspace;
let stack: ServeStack;
let server: RunningServer;
let client: OpenAI;

before(async () => {
  if (skip) return;
  folder = mkdtempSync(join(tmpdir(), 'sling-fine-tuning-'));
  workspace = await initWorkspace(folder, {});
  stack = createServeStack({ workspace, models: [localModelSpec('stories', stories)], auth: true });
  const { key } = await stack.keys!.create({ name: 'test' });
  server = await listen(stack.app.fetch, { host: '127.0.0.1', port: 0, auth: true });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 2 });
});

after(async () => {
  if (skip) return;
  await server.close();
  await stack.recorder.flush();
  await waitForIdle();
  await workspace.close();
  rmSync(folder, { recursive: true, force: true });
});

async function waitForIdle(): Promise<void> {
  for (let round = 0; round < 600; round += 1) {
    const busy = await workspace.store.jobs.list({ kind: 'fine-tune', limit: 100 });
    if (!busy.some((job) => job.status === 'queued' || job.status === 'running')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const rows = Array.from({ length: 24 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `Who had ${i % 4} cats?` }, { role: 'assistant', content: 'Lily had a big red ball.' }] })).join('\n') + '\n';

async function upload(text: string, name = 'train.jsonl') {
  return client.files.create({ file: await toFile(Buffer.from(text), name), purpose: 'fine-tune' });
}

async function finished(id: string) {
  for (;;) {
    const job = await client.fineTuning.jobs.retrieve(id);
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('files: upload, list, retrieve, content, delete; bad JSONL is refused with its line', { skip }, async () => {
  const file = await upload(rows);
  assert.equal(file.object, 'file');
  assert.equal(file.purpose, 'fine-tune');
  assert.equal(file.bytes, Buffer.byteLength(rows));
  assert.match(file.id, /^file-/);
  assert.equal((await client.files.retrieve(file.id)).filename, 'train.jsonl');
  assert.equal(await (await client.files.content(file.id)).text(), rows);
  const ids: string[] = [];
  for await (const item of client.files.list()) ids.push(item.id);
  assert.ok(ids.includes(file.id));
  assert.deepEqual(await client.files.delete(file.id), { id: file.id, object: 'file', deleted: true });
  await assert.rejects(client.files.retrieve(file.id), (error: unknown) => error instanceof OpenAI.NotFoundError);
  await assert.rejects(upload('{"messages": []}\nnot json\n'), (error: unknown) => error instanceof OpenAI.BadRequestError && /line 1: expected "messages"/.test(error.message));
  await assert.rejects(client.files.create({ file: await toFile(Buffer.from(rows), 'x.jsonl'), purpose: 'assistants' }), (error: unknown) => error instanceof OpenAI.BadRequestError && /purpose/.test(error.message));
});

test('uploads may be far larger than an API call: a 3 MB training file is stored, a 3 MB chat body is refused', { skip }, async () => {
  const bigRows = rows.repeat(Math.ceil(3_000_000 / rows.length));
  const file = await upload(bigRows, 'big.jsonl');
  assert.equal(file.bytes, Buffer.byteLength(bigRows));
  await client.files.delete(file.id);
  const huge = 'x'.repeat(3_000_000);
  await assert.rejects(
    client.chat.completions.create({ model: 'stories', messages: [{ role: 'user', content: huge }] }, { maxRetries: 0 }),
    (error: unknown) => error instanceof OpenAI.APIError && error.status === 413,
  );
});

test('a fine-tuning job trains, reports events and checkpoints, and its model is served at once', { skip }, async () => {
  const training = await upload(rows);
  const validation = await upload(rows.split('\n').slice(0, 4).join('\n') + '\n', 'validation.jsonl');
  const created = await client.fineTuning.jobs.create({ model: 'stories', training_file: training.id, validation_file: validation.id, suffix: 'lily', hyperparameters: { n_epochs: 4, batch_size: 1, learning_rate_multiplier: 50 }, seed: 7 });
  assert.equal(created.object, 'fine_tuning.job');
  assert.match(created.id, /^ftjob-\d+$/);
  assert.equal(created.fine_tuned_model, null);
  const job = await finished(created.id);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.fine_tuned_model, `ft:stories:lily:${created.id}`);
  assert.ok((job.trained_tokens ?? 0) > 0);
  assert.deepEqual(job.hyperparameters, { n_epochs: 4, batch_size: 1, learning_rate_multiplier: 50 });

  const events = [];
  for await (const event of client.fineTuning.jobs.listEvents(created.id, { limit: 100 })) events.push(event);
  assert.ok(events.some((event) => event.type === 'metrics' && typeof (event.data as { train_loss?: number }).train_loss === 'number'));
  assert.ok(events.some((event) => /finished: \d+ steps/.test(event.message)));
  assert.ok(events[0].created_at >= events.at(-1)!.created_at, 'newest first');

  const checkpoints = [];
  for await (const checkpoint of client.fineTuning.jobs.checkpoints.list(created.id)) checkpoints.push(checkpoint);
  assert.ok(checkpoints.length >= 1);
  assert.equal(checkpoints[0].fine_tuning_job_id, created.id);
  assert.match(checkpoints[0].fine_tuned_model_checkpoint, /:ckpt-step-\d+$/);

  const listed = [];
  for await (const item of client.fineTuning.jobs.list()) listed.push(item.id);
  assert.ok(listed.includes(created.id));

  const ask = (model: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Who had 1 cats?' }], max_tokens: 12, temperature: 0 });
  const tuned = await ask(job.fine_tuned_model!);
  const base = await ask('stories');
  assert.equal(tuned.model, job.fine_tuned_model);
  assert.notEqual(tuned.choices[0].message.content, base.choices[0].message.content, 'the trained adapter changes the answer');
  assert.match(tuned.choices[0].message.content ?? '', /Lily|ball|red/);
});

test('job errors: unknown base, unknown file, bad suffix, cancel', { skip }, async () => {
  const training = await upload(rows);
  await assert.rejects(client.fineTuning.jobs.create({ model: 'gpt-4o', training_file: training.id }), (error: unknown) => error instanceof OpenAI.NotFoundError && /cannot be fine-tuned here/.test(error.message));
  await assert.rejects(client.fineTuning.jobs.create({ model: 'stories', training_file: 'file-nope' }), (error: unknown) => error instanceof OpenAI.NotFoundError && (error as InstanceType<typeof OpenAI.NotFoundError>).param === 'training_file');
  await assert.rejects(client.fineTuning.jobs.create({ model: 'stories', training_file: training.id, suffix: 'no spaces' }), (error: unknown) => error instanceof OpenAI.BadRequestError);
  const long = await client.fineTuning.jobs.create({ model: 'stories', training_file: training.id, hyperparameters: { n_epochs: 50, batch_size: 1 } });
  const cancelled = await client.fineTuning.jobs.cancel(long.id);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal((await finished(long.id)).fine_tuned_model, null);
  await assert.rejects(client.fineTuning.jobs.cancel(long.id), (error: unknown) => error instanceof OpenAI.BadRequestError);
  await assert.rejects(client.fineTuning.jobs.retrieve('ftjob-99999'), (error: unknown) => error instanceof OpenAI.NotFoundError);
});
