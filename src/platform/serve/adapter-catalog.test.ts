import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTinyRandomModel } from '../../engine/models/tiny-random.ts';
import { initWorkspace } from '../workspace/index.ts';
import { combineCatalogs, folderCatalog, registeredAdapterCatalog, workspaceRunCatalog } from './adapter-catalog.ts';
import { writeRandomAdapters } from './local/test-adapters.ts';

test('adapters are found in folders, run directories, registered models and finished train jobs', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-catalog-'));
  const workspace = await initWorkspace(join(folder, 'workspace'), {});
  try {
    const model = createTinyRandomModel({ seed: 0 }).model;
    const [plain, nested, registered, jobRun] = writeRandomAdapters(model, join(folder, 'adapters'), 4);
    // A Sling run directory keeps its adapter in `adapter/`.
    mkdirSync(join(folder, 'runs', 'my-run'), { recursive: true });
    renameSync(nested, join(folder, 'runs', 'my-run', 'adapter'));
    await workspace.store.models.register({ name: 'support-bot', kind: 'adapter', uri: registered, config: { base: 'tiny-random', method: 'lora' } });
    const job = await workspace.store.jobs.enqueue({ kind: 'train', payload: { recipe: { out: jobRun } } });
    await workspace.store.jobs.claim('w', ['train']);
    await workspace.store.jobs.finish(job.id, 'w', { status: 'succeeded', result: { output: jobRun } });

    const folders = await folderCatalog([plain, join(folder, 'runs')])();
    assert.deepEqual(folders.map((source) => [source.name, source.baseModel, source.origin]), [['adapter-0', 'tiny-random', 'folder'], ['my-run', 'tiny-random', 'folder']]);
    const all = await combineCatalogs(registeredAdapterCatalog(workspace.store, workspace.root), workspaceRunCatalog(workspace.store, workspace.root))();
    assert.deepEqual(all.map((source) => [source.name, source.path, source.origin]), [['support-bot', registered, 'run'], [`run-${job.id}`, jobRun, 'run']]);
  } finally {
    await workspace.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
