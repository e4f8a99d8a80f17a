import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../load-checkpoint.ts';
import { convertRaw } from '../io/raw-tensor.ts';
import { writeSafetensors } from '../io/safetensors-write.ts';
import { randomCheckpoint, tinyConfig } from '../io/test-checkpoint.ts';
import { byteLevelTokenizerJson } from '../tokenizer/spm-to-hf.ts';
import { HfTokenizer } from '../tokenizer/hf-tokenizer.ts';
import { startFakeHub, type FakeHub } from './fake-hub.ts';
import { parseHubId, pullModel } from './hub-pull.ts';
import { resolveModel } from './resolve-model.ts';
import { hubEnvironment } from './hub-cache.ts';

const root = mkdtempSync(join(tmpdir(), 'sling-hub-'));
const commit = 'a'.repeat(40);
const repoId = 'tiny-org/tiny-llama';

/** A tiny model's files as a Hub repository holds them, plus files pull must skip. */
function repositoryFiles(): Record<string, Buffer> {
  const tokenizerJson = byteLevelTokenizerJson();
  const checkpoint = randomCheckpoint(tinyConfig({ vocabSize: 269, tieWordEmbeddings: true }), new HfTokenizer(tokenizerJson, {}), 5);
  const weights = join(root, 'weights.safetensors');
  writeSafetensors(weights, new Map([...checkpoint.tensors].map(([name, tensor]) => [name, convertRaw(tensor, 'bf16')])));
  const config = { architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 269, hidden_size: 32, intermediate_size: 48, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 128, rms_norm_eps: 1e-5, tie_word_embeddings: true, eos_token_id: 268 };
  return {
    'config.json': Buffer.from(JSON.stringify(config)),
    'generation_config.json': Buffer.from(JSON.stringify({ eos_token_id: 268 })),
    'tokenizer.json': Buffer.from(JSON.stringify(tokenizerJson)),
    'tokenizer_config.json': Buffer.from(JSON.stringify({ eos_token: '<|endoftext|>', chat_template: '{{ messages[0].content }}' })),
    'model.safetensors': readFileSync(weights),
    'README.md': Buffer.from('# tiny'),
    'pytorch_model.bin': Buffer.alloc(1000),
  };
}

const files = repositoryFiles();
let hub: FakeHub;
test.before(async () => {
  hub = await startFakeHub({ repoId, commit, files, lfs: (file) => file.endsWith('.safetensors') || file.endsWith('.bin') });
});
test.after(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});

const environmentFor = (name: string) => ({ endpoint: hub.endpoint, cacheDir: join(root, name), token: undefined, offline: false });

test('hub ids and environment variables', () => {
  assert.deepEqual(parseHubId('org/name'), { repoId: 'org/name', revision: 'main' });
  assert.deepEqual(parseHubId('org/name@v1.0'), { repoId: 'org/name', revision: 'v1.0' });
  assert.equal(parseHubId('just-a-name'), undefined);
  const environment = hubEnvironment({ HF_HOME: '/x/hf', HF_ENDPOINT: 'http://mirror/', HF_TOKEN: 't', HF_HUB_OFFLINE: '1' });
  assert.deepEqual(environment, { endpoint: 'http://mirror', cacheDir: '/x/hf/hub', token: 't', offline: true });
});

test('pull downloads only what the model needs into the HF cache layout, resuming an interrupted download', async () => {
  const environment = environmentFor('cache-resume');
  hub.cutNext = { file: 'model.safetensors', after: 4000 };
  await assert.rejects(pullModel(`${repoId}@main`, { environment }), (error: Error & { code?: string }) => error.code === 'hub_download_interrupted' && /model\.safetensors/.test(error.message));
  const repoFolder = join(environment.cacheDir, 'models--tiny-org--tiny-llama');
  const partial = readdirSync(join(repoFolder, 'blobs')).find((name) => name.endsWith('.incomplete'))!;
  assert.equal(statSync(join(repoFolder, 'blobs', partial)).size, 4000);
  hub.requests = [];
  const progress: number[] = [];
  const folder = await pullModel(`${repoId}@main`, { environment, onProgress: (event) => event.file === 'model.safetensors' && progress.push(event.downloaded) });
  assert.equal(folder, join(repoFolder, 'snapshots', commit));
  // The resolve URL redirects to the CDN; both hops carry the Range header.
  assert.deepEqual(hub.requests.filter((request) => request.range).map((request) => `${request.url} ${request.range}`), [
    `/${repoId}/resolve/${commit}/model.safetensors bytes=4000-`,
    '/cdn/model.safetensors bytes=4000-',
  ]);
  assert.equal(progress[0], 4000);
  assert.equal(progress.at(-1), files['model.safetensors'].length);
  assert.deepEqual(readdirSync(folder).sort(), ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
  assert.ok(lstatSync(join(folder, 'model.safetensors')).isSymbolicLink());
  assert.deepEqual(readFileSync(join(folder, 'model.safetensors')), files['model.safetensors']);
  assert.equal(readFileSync(join(repoFolder, 'refs', 'main'), 'utf8'), commit);
  assert.ok(!hub.requests.some((request) => request.url.includes('pytorch_model.bin') || request.url.includes('README')));
  const checkpoint = await loadCheckpoint(folder);
  assert.equal(checkpoint.config.vocabSize, 269);
  assert.equal(checkpoint.chatTemplate, '{{ messages[0].content }}');
  // A second pull finds every blob in the cache and downloads nothing.
  hub.requests = [];
  await pullModel(repoId, { environment });
  assert.ok(!hub.requests.some((request) => request.method === 'GET' && !request.url.startsWith('/api/')));
});

test('offline mode resolves from the cache only', async () => {
  const environment = environmentFor('cache-offline');
  await assert.rejects(pullModel(repoId, { environment, offline: true }), (error: Error & { code?: string }) => error.code === 'hub_not_cached' && error.message.includes(repoId));
  const online = await pullModel(repoId, { environment });
  hub.requests = [];
  assert.equal(await pullModel(repoId, { environment: { ...environment, offline: true } }), online);
  assert.equal(await resolveModel(repoId, { environment, offline: true }), online);
  assert.equal(hub.requests.length, 0);
  assert.equal(await resolveModel(online), online, 'an existing path is returned as-is');
  await assert.rejects(resolveModel('./no/such/folder'), (error: Error & { code?: string }) => error.code === 'model_not_found');
  // The Hub unreachable: the cached snapshot is used.
  const notices: string[] = [];
  assert.equal(await pullModel(repoId, { environment: { ...environment, endpoint: 'http://127.0.0.1:9' }, onNotice: (message) => notices.push(message) }), online);
  assert.match(notices[0], /unreachable/);
});

test('a corrupted download fails the sha256 check and is deleted', async () => {
  const environment = environmentFor('cache-corrupt');
  const bad = Buffer.from(files['model.safetensors']);
  bad[bad.length - 1] ^= 0xff;
  hub.corrupt = { file: 'model.safetensors', bytes: bad };
  try {
    await assert.rejects(pullModel(repoId, { environment }), (error: Error & { code?: string }) => error.code === 'hub_checksum_mismatch' && /model\.safetensors/.test(error.message));
  } finally {
    hub.corrupt = undefined;
  }
  const blobs = readdirSync(join(environment.cacheDir, 'models--tiny-org--tiny-llama', 'blobs'));
  assert.ok(!blobs.some((name) => name.endsWith('.incomplete')), 'the corrupted partial file is gone');
  assert.ok(existsSync(await pullModel(repoId, { environment })));
});

test('HF_TOKEN is sent as a Bearer token; without it a private repository is a clear error', async () => {
  hub.requiredToken = 'hf_secret';
  try {
    await assert.rejects(pullModel(repoId, { environment: environmentFor('cache-auth') }), (error: Error & { code?: string }) => error.code === 'hub_unauthorized' && /HF_TOKEN/.test(error.message));
    hub.requests = [];
    await pullModel(repoId, { environment: { ...environmentFor('cache-auth'), token: 'hf_secret' } });
    const toHub = hub.requests.filter((request) => !request.url.startsWith('/cdn/'));
    assert.ok(toHub.length > 0 && toHub.every((request) => request.authorization === 'Bearer hf_secret'));
  } finally {
    hub.requiredToken = undefined;
  }
});

test('a missing repository is hub_not_found', async () => {
  await assert.rejects(pullModel('tiny-org/absent', { environment: environmentFor('cache-404') }), (error: Error & { code?: string }) => error.code === 'hub_not_found' && error.message.includes('tiny-org/absent'));
});
