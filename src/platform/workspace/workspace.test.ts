import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkspace, initWorkspace, openWorkspace } from './workspace.ts';
import { migrations } from '../store/migrations/index.ts';

function temporaryFolder(): string {
  return mkdtempSync(join(tmpdir(), 'sling-workspace-'));
}

test('init creates config, database and artifact folder; commands find it from below', async () => {
  const folder = temporaryFolder();
  try {
    const workspace = await initWorkspace(join(folder, 'ws'));
    assert.ok(existsSync(join(folder, 'ws', 'sling.yaml')));
    assert.ok(existsSync(join(folder, 'ws', 'sling.db')));
    assert.ok(existsSync(join(folder, 'ws', 'artifacts')));
    await workspace.store.datasets.createDataset('d');
    await workspace.close();
    mkdirSync(join(folder, 'ws', 'a', 'b'), { recursive: true });
    assert.equal(findWorkspace({ cwd: join(folder, 'ws', 'a', 'b'), env: {} }), join(folder, 'ws'));
    const again = await openWorkspace({ cwd: join(folder, 'ws', 'a'), env: {} });
    assert.ok(await again.store.datasets.getDataset('d'));
    assert.equal(again.checkpointDir(7), join(folder, 'ws', 'checkpoints', 'job-7'));
    await again.close();
    await assert.rejects(initWorkspace(join(folder, 'ws')), { code: 'workspace_exists' });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('no workspace: a clear error with a hint; SLING_HOME wins over the current folder', async () => {
  const folder = temporaryFolder();
  try {
    assert.throws(() => findWorkspace({ cwd: folder, env: {} }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'no_workspace');
      assert.match(error.message, /sling init/);
      return true;
    });
    assert.throws(() => findWorkspace({ cwd: folder, env: { SLING_HOME: folder } }), { code: 'no_workspace' });
    await (await initWorkspace(join(folder, 'home'))).close();
    assert.equal(findWorkspace({ cwd: '/', env: { SLING_HOME: join(folder, 'home') } }), join(folder, 'home'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a bad sling.yaml names the file and field', async () => {
  const folder = temporaryFolder();
  try {
    writeFileSync(join(folder, 'sling.yaml'), 'version: 1\ndatabse: x.db\n');
    await assert.rejects(openWorkspace({ cwd: folder, env: {} }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'invalid_config');
      assert.match(error.message, /sling\.yaml/);
      assert.match(error.message, /databse/);
      return true;
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('an older SQLite workspace is backed up, then migrated', async () => {
  const folder = temporaryFolder();
  try {
    writeFileSync(join(folder, 'sling.yaml'), 'version: 1\n');
    const old = new Database(join(folder, 'sling.db'));
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    old.exec("INSERT INTO schema_migrations VALUES (0, 'legacy', 0)");
    old.close();
    const workspace = await openWorkspace({ cwd: folder, env: {} });
    const latest = migrations[migrations.length - 1].version;
    assert.deepEqual(workspace.store.migration?.applied, migrations.map((migration) => migration.version));
    await workspace.close();
    const backup = new Database(join(folder, `sling.db.before-v${latest}`), { readonly: true });
    assert.deepEqual(backup.prepare('SELECT version FROM schema_migrations').all(), [{ version: 0 }]);
    backup.close();
    assert.ok(readFileSync(join(folder, 'sling.yaml'), 'utf8'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('SLING_ARTIFACTS points two workspaces at one artifact folder: what one stores the other reads', async () => {
  const folder = temporaryFolder();
  try {
    const env = { SLING_ARTIFACTS: join(folder, 'shared') };
    const first = await initWorkspace(join(folder, 'a'), env);
    const second = await initWorkspace(join(folder, 'b'), env);
    const stored = await first.artifacts.put('adapter bytes');
    assert.equal(stored.path, join(folder, 'shared', 'sha256', stored.sha256.slice(0, 2), stored.sha256.slice(2)));
    assert.equal((await second.artifacts.get(stored.uri)).toString(), 'adapter bytes');
    assert.ok(!existsSync(join(folder, 'a', 'artifacts')) && !existsSync(join(folder, 'b', 'artifacts')), 'sling.yaml folders unused');
    await first.close();
    await second.close();
    const alone = await openWorkspace({ cwd: join(folder, 'b'), env: {} });
    assert.equal(alone.artifacts.has(stored.uri), false, 'without the variable a workspace uses its own folder');
    await alone.close();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
