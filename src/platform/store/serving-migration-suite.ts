/**
 * @module platform/store/serving-migration-suite
 * Migration 003 on real data, run on SQLite (store.test.ts) and PostgreSQL (store.pg.test.ts): a schema-2
 * database written the way the first server wrote it (limits in api-key-limits.json, cost/adapter/source inside
 * the response JSON under `sling`, tags only as JSON text) is opened by the current code, and everything must
 * come over to the new columns and tables, the limits file must be renamed `.imported`, and the dashboard's
 * filters must find the old rows.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrations } from './migrations/index.ts';
import type { Migration } from './migrations/migration.ts';
import type { Store } from './store.ts';

export interface MigratingTarget {
  open(migrationList?: Migration[], workspaceRoot?: string): Promise<Store>;
  fresh(): Promise<void>;
}

const schemaTwo = migrations.filter((migration) => migration.version <= 2);

/** Rows exactly as the schema-2 server wrote them (request-logs.ts put its details under `response.sling`). */
async function writeSchemaTwoRows(store: Store): Promise<void> {
  const insertKey = 'INSERT INTO api_keys (name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?)';
  await store.runner.run(insertKey, ['ci', 'aaaaaaaaaaaa', 'hash-a', 1]);
  await store.runner.run(insertKey, ['batch', 'bbbbbbbbbbbb', 'hash-b', 2]);
  const insertLog = `INSERT INTO request_logs (time, api_key_id, endpoint, model, status, latency_ms, prompt_tokens, completion_tokens,
      request, response, error, tags) VALUES (?, NULL, '/v1/chat/completions', ?, ?, 5, 3, 2, '{"n":1}', ?, ?, ?)`;
  const served = { id: 'chatcmpl-1', object: 'chat.completion', sling: { source: 'serve', adapter: 'support', cost: 0.00025, computeMs: 41.5 } };
  const proxied = { id: 'chatcmpl-2', sling: { source: 'proxy', adapter: null, cost: 0.0125, computeMs: null } };
  await store.runner.run(insertLog, [1000, 'stories:support', 200, JSON.stringify(served), null, JSON.stringify({ team: 'search', env: 'prod' })]);
  await store.runner.run(insertLog, [2000, 'gpt-4o-mini', 200, JSON.stringify(proxied), null, JSON.stringify({ team: 'ads' })]);
  // An error row: no response, so no details; the old reader took the adapter from `BASE:ADAPTER`.
  await store.runner.run(insertLog, [3000, 'stories:legal', 500, null, 'out of memory', JSON.stringify({ team: 'search', 'a"b': 'c,d' })]);
}

export function defineServingMigrationSuite(name: string, target: MigratingTarget): void {
  describe(`Migration 003 (serving columns) on ${name}`, () => {
    let root: string;
    let store: Store | undefined;
    beforeEach(async () => {
      await target.fresh();
      root = mkdtempSync(join(tmpdir(), 'sling-migrate-003-'));
      store = await target.open(schemaTwo);
      await writeSchemaTwoRows(store);
      await store.close();
      store = undefined;
    });
    afterEach(async () => {
      await store?.close();
      rmSync(root, { recursive: true, force: true });
    });

    test('carries limits, cost, adapter, source and tags over; renames the limits file', async () => {
      const limitsPath = join(root, 'api-key-limits.json');
      writeFileSync(limitsPath, JSON.stringify({ aaaaaaaaaaaa: 120, 'no-such-key': 5 }));
      store = await target.open(undefined, root);
      assert.deepEqual(store.migration?.applied, [3]);
      assert.deepEqual(store.migration?.importedFiles, [limitsPath]);
      assert.equal(existsSync(limitsPath), false);
      assert.deepEqual(JSON.parse(readFileSync(`${limitsPath}.imported`, 'utf8')), { aaaaaaaaaaaa: 120, 'no-such-key': 5 });
      const keys = await store.serving.listApiKeys();
      assert.deepEqual(keys.map((key) => [key.name, key.rateLimitPerMinute]), [['ci', 120], ['batch', null]]);

      const [error, proxied, served] = await store.serving.listRequestLogs();
      assert.deepEqual([served.source, served.adapter, served.costUsd, served.computeMs], ['serve', 'support', 0.00025, 41.5]);
      assert.deepEqual(served.response, { id: 'chatcmpl-1', object: 'chat.completion' });
      assert.deepEqual([proxied.source, proxied.adapter, proxied.costUsd, proxied.computeMs], ['proxy', null, 0.0125, null]);
      assert.deepEqual([error.source, error.adapter, error.costUsd, error.response], [null, 'legal', null, null]);
      assert.deepEqual(error.tags, { team: 'search', 'a"b': 'c,d' });

      const tagRows = await store.runner.query<{ n: number }>('SELECT COUNT(*) AS n FROM request_log_tags');
      assert.equal(Number(tagRows[0].n), 5);
      const times = async (filter: Parameters<Store['serving']['listRequestLogs']>[0]) =>
        (await store!.serving.listRequestLogs(filter)).map((log) => log.time);
      assert.deepEqual(await times({ tags: { team: 'search' } }), [3000, 1000]);
      assert.deepEqual(await times({ tags: { team: 'search', env: 'prod' } }), [1000]);
      assert.deepEqual(await times({ tags: { 'a"b': 'c,d' } }), [3000]);
      assert.deepEqual(await times({ adapter: 'support' }), [1000]);
      assert.deepEqual(await times({ model: 'gpt-4o-mini', status: 'ok' }), [2000]);
      assert.deepEqual(await times({ status: 'error', since: 2500 }), [3000]);

      // The next open finds nothing left to migrate or import.
      await store.close();
      store = await target.open(undefined, root);
      assert.deepEqual([store.migration?.applied, store.migration?.importedFiles], [[], []]);
    });

    test('a bad limits file fails clearly (file and key prefix) and changes nothing', async () => {
      const limitsPath = join(root, 'api-key-limits.json');
      writeFileSync(limitsPath, JSON.stringify({ aaaaaaaaaaaa: 120, bbbbbbbbbbbb: 'fast' }));
      await assert.rejects(target.open(undefined, root), (error: { code?: string; message: string }) => {
        assert.equal(error.code, 'invalid_key_limits');
        assert.ok(error.message.includes(limitsPath), error.message);
        assert.match(error.message, /field "bbbbbbbbbbbb"/);
        return true;
      });
      assert.equal(existsSync(limitsPath), true);
      store = await target.open(schemaTwo);
      const versions = await store.runner.query<{ version: number }>('SELECT version FROM schema_migrations');
      assert.deepEqual(versions.map((row) => Number(row.version)).sort(), [1, 2]);
      const [served] = await store.runner.query<{ response: string }>('SELECT response FROM request_logs WHERE time = 1000');
      assert.equal(JSON.parse(served.response).sling.cost, 0.00025);
    });

    test('a limits file found after the migration ran (another machine migrated first) is adopted, not clobbering newer limits', async () => {
      store = await target.open();
      const [ci, batch] = await store.serving.listApiKeys();
      await store.serving.setApiKeyRateLimit(batch.id, 30);
      await store.close();
      writeFileSync(join(root, 'api-key-limits.json'), JSON.stringify({ aaaaaaaaaaaa: 60, bbbbbbbbbbbb: 999 }));
      store = await target.open(undefined, root);
      assert.deepEqual(store.migration?.applied, []);
      assert.equal(store.migration?.importedFiles.length, 1);
      const limits = new Map((await store.serving.listApiKeys()).map((key) => [key.id, key.rateLimitPerMinute]));
      assert.deepEqual([limits.get(ci.id), limits.get(batch.id)], [60, 30]);
    });
  });
}
