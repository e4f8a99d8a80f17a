/**
 * `trainRemotely` against a real Sling server on loopback (the OpenAI fine-tuning API on stories260K): the client
 * side uses the official `openai` client, follows events, registers a 'remote' model in a second workspace, and
 * the eval module's model resolution answers through it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateRecipe } from '../../engine/train/recipe/load-recipe.ts';
import { resolveModelSpec } from '../eval/persist/model-specs.ts';
import { localModelSpec } from '../serve/local/local-runner.ts';
import { createServeStack } from '../serve/serve-stack.ts';
import { listen } from '../serve/server.ts';
import { initWorkspace } from '../workspace/index.ts';
import { trainRemotely } from './remote-train.ts';

const stories = fileURLToPath(new URL('../../../../shared/data/stories260K/stories260K.bin', import.meta.url));
const skip = existsSync(stories) ? false : `${stories} is absent`;

test('train on a remote fine-tuning API, follow its events, register and use the remote model', { skip }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-remote-training-'));
  const serverWorkspace = await initWorkspace(join(folder, 'server'), {});
  const clientWorkspace = await initWorkspace(join(folder, 'client'), {});
  const stack = createServeStack({ workspace: serverWorkspace, models: [localModelSpec('stories', stories)], auth: false });
  const server = await listen(stack.app.fetch, { host: '127.0.0.1', port: 0, auth: false });
  try {
    const data = join(folder, 'train.jsonl');
    writeFileSync(data, Array.from({ length: 24 }, (_, i) => JSON.stringify({ prompt: `Who had ${i % 4} cats?`, completion: ' Lily had a big red ball.' })).join('\n') + '\n');
    const recipe = validateRecipe({ model: 'stories', out: 'unused', data: { train: data }, epochs: 4, batch_size: 1, optimizer: { learning_rate: 1e-2 } });
    const events: { message: string; step?: number }[] = [];
    const result = await trainRemotely(clientWorkspace.store, { baseUrl: `${server.url}/v1`, recipe, suffix: 'remote', pollIntervalMs: 100, onEvent: (event) => events.push(event) });
    assert.equal(result.status, 'succeeded');
    assert.match(result.fineTunedModel!, /^ft:stories:remote:ftjob-\d+$/);
    assert.ok(events.some((event) => typeof event.step === 'number'), 'step metrics were followed');
    assert.equal(new Set(events.map((event) => event.message)).size, events.length, 'no event reported twice');
    const serverJob = (await serverWorkspace.store.jobs.list({ kind: 'fine-tune' }))[0];
    assert.equal((serverJob.payload as { hyperparameters: { learning_rate_multiplier: number } }).hyperparameters.learning_rate_multiplier, 50);

    const record = await clientWorkspace.store.models.get(result.fineTunedModel!);
    assert.equal(record?.kind, 'remote');
    assert.equal(record?.uri, `${server.url}/v1`);
    assert.equal(record?.config.model, result.fineTunedModel);
    const model = await resolveModelSpec(result.fineTunedModel!, { store: clientWorkspace.store, trainRows: async () => [] });
    const answer = await model.complete({ messages: [{ role: 'user', content: 'Who had 2 cats?' }], maxTokens: 10, temperature: 0 });
    assert.match(answer.text, /Lily|ball|red/);
  } finally {
    await server.close();
    for (let round = 0; round < 100 && (await serverWorkspace.store.jobs.list({ status: 'running' })).length; round += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    await serverWorkspace.close();
    await clientWorkspace.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
