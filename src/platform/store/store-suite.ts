/**
 * @module platform/store/store-suite
 * The one test suite every Store implementation runs (store.test.ts on SQLite, store.pg.test.ts on PostgreSQL).
 * `target.open()` opens the current database (again); `target.fresh()` switches to a new, empty one.
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Migration } from './migrations/migration.ts';
import { migrations } from './migrations/index.ts';
import type { NewRow } from './dataset-repository.ts';
import type { Store } from './store.ts';

export interface StoreTarget {
  open(migrationList?: Migration[]): Promise<Store>;
  fresh(): Promise<void>;
}

function row(position: number, text: string, extra: Partial<NewRow> = {}): NewRow {
  return {
    position,
    contentHash: `hash-${text}`,
    split: null,
    splitFixed: false,
    label: null,
    metadata: { source: 'test', n: position },
    messages: [
      { role: 'user', content: `question ${text}` },
      { role: 'assistant', content: `answer ${text}` },
    ],
    charCount: 10,
    ...extra,
  };
}

export function defineStoreSuite(name: string, target: StoreTarget): void {
  describe(`Store on ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      await target.fresh();
      store = await target.open();
    });
    afterEach(async () => store.close());

    test('a fresh database is migrated to the latest version', async () => {
      assert.deepEqual(store.migration?.applied, migrations.map((migration) => migration.version));
      const rows = await store.runner.query<{ version: number }>('SELECT version FROM schema_migrations');
      assert.deepEqual(rows.map((row) => Number(row.version)), migrations.map((migration) => migration.version));
    });

    test('an older database is migrated on open and keeps its data', async () => {
      await store.datasets.createDataset('kept');
      await store.close();
      const latest = migrations[migrations.length - 1].version;
      const second: Migration = {
        version: latest + 1,
        name: 'add-notes',
        sql: () => 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)',
      };
      store = await target.open([...migrations, second]);
      assert.deepEqual(store.migration?.applied, [latest + 1]);
      assert.equal(store.migration?.from, latest);
      assert.ok(await store.datasets.getDataset('kept'));
      await store.runner.run('INSERT INTO notes (id, text) VALUES (?, ?)', [1, 'works']);
      await store.close();
      store = await target.open([...migrations, second]);
      assert.deepEqual(store.migration?.applied, []);
    });

    test('a database newer than the code is refused with a clear error', async () => {
      await store.runner.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [99, 'future', 0]);
      await store.close();
      await assert.rejects(target.open(), (error: { code?: string; message: string }) => {
        assert.equal(error.code, 'workspace_too_new');
        assert.match(error.message, /version 99/);
        return true;
      });
      store = await target.open([...migrations, { version: 99, name: 'future', sql: () => 'SELECT 1' }]);
    });

    test('a broken migration leaves the old schema untouched', async () => {
      await store.close();
      const broken: Migration = { version: migrations[migrations.length - 1].version + 1, name: 'broken', sql: () => 'CREATE TABLE half (id INTEGER); SELECT * FROM nowhere' };
      await assert.rejects(target.open([...migrations, broken]));
      store = await target.open();
      const rows = await store.runner.query<{ version: number }>('SELECT version FROM schema_migrations');
      assert.deepEqual(rows.map((row) => Number(row.version)), migrations.map((migration) => migration.version));
      await store.runner.run('CREATE TABLE half (id INTEGER)'); // would fail if the broken migration had left it
    });

    test('datasets: versions, deduplicated rows, paging and copies', async () => {
      const dataset = await store.datasets.createDataset('support', 'tickets');
      await assert.rejects(store.datasets.createDataset('support'), { code: 'dataset_exists' });
      const first = await store.datasets.createVersion(dataset.id, null, 'import a.jsonl');
      assert.equal(first.version, 1);
      const inserted = await store.datasets.insertRows(first.id, [row(1, 'a'), row(2, 'b'), row(3, 'a')]);
      assert.equal(inserted, 2);
      assert.equal((await store.datasets.finishVersion(first.id)).rowCount, 2);

      const second = await store.datasets.createVersion(dataset.id, first.id, 'add c');
      assert.equal(second.version, 2);
      assert.equal(await store.datasets.copyRows(first.id, second.id), 2);
      await store.datasets.insertRows(second.id, [row(4, 'c', { label: 'x', split: 'test', splitFixed: true })]);
      await store.datasets.finishVersion(second.id);

      const rows = [];
      for await (const stored of store.datasets.iterateRows(second.id, { batchSize: 2 })) rows.push(stored);
      assert.deepEqual(rows.map((stored) => stored.position), [1, 2, 4]);
      assert.deepEqual(rows[2].messages[1], { role: 'assistant', content: 'answer c' });
      assert.deepEqual(rows[2].metadata, { source: 'test', n: 4 });
      assert.equal(rows[2].splitFixed, true);
      assert.equal(rows[0].tokenCount, null);

      assert.equal((await store.datasets.getVersion(dataset.id, 1))?.rowCount, 2);
      assert.equal((await store.datasets.getVersion(dataset.id))?.version, 2);
      const [summary] = await store.datasets.listDatasets();
      assert.deepEqual([summary.name, summary.latestVersion, summary.rowCount], ['support', 2, 3]);
      assert.equal(await store.datasets.maxPosition(second.id), 4);
    });

    test('datasets: split assignment and token counts', async () => {
      const dataset = await store.datasets.createDataset('s');
      const version = await store.datasets.createVersion(dataset.id, null, 'x');
      await store.datasets.insertRows(version.id, [row(1, 'a'), row(2, 'b'), row(3, 'c', { split: 'test', splitFixed: true })]);
      await store.datasets.setSplits(version.id, [2], 'test');
      await store.datasets.fillMissingSplits(version.id, 'train');
      const test = [];
      for await (const stored of store.datasets.iterateRows(version.id, { split: 'test' })) test.push(stored.position);
      assert.deepEqual(test, [2, 3]);
      await store.datasets.clearUnfixedSplits(version.id);
      const keys = await store.datasets.splitKeys(version.id);
      assert.deepEqual(keys.map((key) => key.splitFixed), [false, false, true]);
      assert.equal((await store.datasets.readRows(version.id))[1].split, null);
      await store.datasets.setTokenCounts(version.id, [{ position: 1, tokenCount: 12 }]);
      assert.equal((await store.datasets.getRowByHash(version.id, 'hash-a'))?.tokenCount, 12);
    });

    test('a transaction that throws leaves nothing behind', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          const dataset = await tx.datasets.createDataset('doomed');
          const version = await tx.datasets.createVersion(dataset.id, null, 'x');
          await tx.datasets.insertRows(version.id, [row(1, 'a')]);
          await tx.transaction(async (nested) => nested.jobs.enqueue({ kind: 'k' }));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.datasets.getDataset('doomed'), null);
      assert.deepEqual(await store.jobs.list(), []);
      const [count] = await store.runner.query<{ n: number }>('SELECT COUNT(*) AS n FROM dataset_rows');
      assert.equal(Number(count.n), 0);
    });

    test('jobs: claim is exclusive, only the holder finishes, heartbeats see cancellation', async () => {
      const job = await store.jobs.enqueue({ kind: 'count', payload: { to: 3 } });
      assert.equal(job.status, 'queued');
      assert.equal(await store.jobs.claim('w1', ['other']), null);
      const claims = await Promise.all([store.jobs.claim('w1'), store.jobs.claim('w2'), store.jobs.claim('w3')]);
      const winners = claims.filter((claim) => claim !== null);
      assert.equal(winners.length, 1);
      const claimed = winners[0]!;
      assert.equal(claimed.status, 'running');
      assert.equal(claimed.attempts, 1);
      assert.deepEqual(claimed.payload, { to: 3 });
      const holder = claimed.workerId!;
      const stranger = holder === 'w1' ? 'w2' : 'w1';
      assert.equal(await store.jobs.heartbeat(job.id, holder), 'running');
      assert.equal(await store.jobs.heartbeat(job.id, stranger), 'lost');
      assert.equal(await store.jobs.finish(job.id, stranger, { status: 'succeeded' }), false);
      await store.jobs.setProgress(job.id, { step: 2, of: 3 });
      await store.jobs.cancel(job.id);
      assert.equal(await store.jobs.heartbeat(job.id, holder), 'cancelled');
      assert.equal(await store.jobs.finish(job.id, holder, { status: 'succeeded' }), false);
      const after = await store.jobs.require(job.id);
      assert.equal(after.status, 'cancelled');
      assert.deepEqual(after.progress, { step: 2, of: 3 });
      await assert.rejects(store.jobs.cancel(job.id), { code: 'job_finished' });
      await assert.rejects(store.jobs.require(9999), { code: 'job_not_found' });
    });

    test('jobs: finishing, listing, stale jobs re-queued then failed after max attempts', async () => {
      const done = await store.jobs.enqueue({ kind: 'a' });
      await store.jobs.claim('w');
      assert.equal(await store.jobs.finish(done.id, 'w', { status: 'succeeded', result: { answer: 42 } }), true);
      const finished = await store.jobs.require(done.id);
      assert.deepEqual([finished.status, finished.result], ['succeeded', { answer: 42 }]);
      assert.ok(finished.finishedAt! >= finished.startedAt!);

      const released = await store.jobs.enqueue({ kind: 'r' });
      await store.jobs.claim('leaving', ['r']);
      assert.equal(await store.jobs.release(released.id, 'someone-else'), false);
      assert.equal(await store.jobs.release(released.id, 'leaving'), true);
      assert.equal((await store.jobs.claim('next', ['r']))?.attempts, 2);

      const stale = await store.jobs.enqueue({ kind: 'b', maxAttempts: 2 });
      await store.jobs.claim('dead-1');
      assert.deepEqual(await store.jobs.requeueStale(60_000), { requeued: 0, failed: 0 });
      await store.runner.run('UPDATE jobs SET heartbeat_at = ? WHERE id = ?', [Date.now() - 120_000, stale.id]);
      assert.deepEqual(await store.jobs.requeueStale(60_000), { requeued: 1, failed: 0 });
      assert.equal((await store.jobs.require(stale.id)).status, 'queued');
      const again = await store.jobs.claim('dead-2');
      assert.equal(again?.attempts, 2);
      await store.runner.run('UPDATE jobs SET heartbeat_at = ? WHERE id = ?', [Date.now() - 120_000, stale.id]);
      assert.deepEqual(await store.jobs.requeueStale(60_000), { requeued: 0, failed: 1 });
      assert.equal((await store.jobs.require(stale.id)).status, 'failed');

      assert.deepEqual((await store.jobs.list()).map((job) => job.id), [stale.id, released.id, done.id]);
      assert.deepEqual((await store.jobs.list({ status: 'succeeded' })).map((job) => job.id), [done.id]);
      assert.deepEqual((await store.jobs.list({ kind: 'b' })).map((job) => job.id), [stale.id]);
    });

    test('jobs: logs in order, metrics once per step', async () => {
      const job = await store.jobs.enqueue({ kind: 'a' });
      await store.jobs.appendLog(job.id, 'first');
      await store.jobs.appendLog(job.id, 'second');
      const logs = await store.jobs.logs(job.id);
      assert.deepEqual(logs.map((line) => line.line), ['first', 'second']);
      assert.deepEqual((await store.jobs.logs(job.id, logs[0].id)).map((line) => line.line), ['second']);
      await store.jobs.recordMetric(job.id, 1, 'loss', 2.5);
      await store.jobs.recordMetric(job.id, 2, 'loss', 2.0);
      await store.jobs.recordMetric(job.id, 2, 'loss', 1.9);
      await store.jobs.recordMetric(job.id, 1, 'lr', 0.001);
      const loss = await store.jobs.metrics(job.id, 'loss');
      assert.deepEqual(loss.map((metric) => [metric.step, metric.value]), [[1, 2.5], [2, 1.9]]);
      assert.equal((await store.jobs.metrics(job.id)).length, 3);
    });

    test('models: register, look up, list by kind, remove', async () => {
      await store.models.register({ name: 'tiny', kind: 'base', uri: '/models/tiny.gguf', config: { contextLength: 512 } });
      await store.models.register({ name: 'gpt', kind: 'remote', uri: 'http://localhost:1234/v1' });
      await assert.rejects(store.models.register({ name: 'tiny', kind: 'base', uri: 'x' }), { code: 'model_exists' });
      await assert.rejects(store.models.register({ name: 'z', kind: 'weird' as 'base', uri: 'x' }), { code: 'invalid_model' });
      assert.deepEqual((await store.models.get('tiny'))?.config, { contextLength: 512 });
      assert.deepEqual((await store.models.list('remote')).map((model) => model.name), ['gpt']);
      assert.equal(await store.models.remove('gpt'), true);
      assert.deepEqual((await store.models.list()).map((model) => model.name), ['tiny']);
    });

    test('evaluations: outputs replace per (model, row), status and summary', async () => {
      const evaluation = await store.evaluations.create({ name: 'spam vs base', config: { models: ['a', 'b'] } });
      assert.equal(evaluation.status, 'pending');
      await store.evaluations.putOutputs(evaluation.id, [
        { modelName: 'a', rowId: 'r1', output: 'spam', scores: { exact: 1 }, latencyMs: 12.5, promptTokens: 30, completionTokens: 1 },
        { modelName: 'a', rowId: 'r2', output: 'ham', scores: { exact: 0 } },
        { modelName: 'b', rowId: 'r1', output: 'ham', scores: { exact: 0 }, judge: { verdict: 'worse' }, cost: 0.002 },
      ]);
      await store.evaluations.putOutputs(evaluation.id, [{ modelName: 'a', rowId: 'r2', output: 'spam', scores: { exact: 1 } }]);
      const outputs = await store.evaluations.outputs(evaluation.id, 'a');
      assert.deepEqual(outputs.map((output) => [output.rowId, output.output, output.scores.exact]), [['r1', 'spam', 1], ['r2', 'spam', 1]]);
      assert.equal(outputs[0].latencyMs, 12.5);
      const all = await store.evaluations.outputs(evaluation.id);
      assert.deepEqual(all[2].judge, { verdict: 'worse' });
      assert.equal(all[2].cost, 0.002);
      assert.deepEqual([...(await store.evaluations.doneRowIds(evaluation.id, 'b'))], ['r1']);
      const updated = await store.evaluations.update(evaluation.id, { status: 'succeeded', summary: { a: { exact: 1 } } });
      assert.equal(updated.status, 'succeeded');
      assert.deepEqual(updated.summary, { a: { exact: 1 } });
      assert.ok(updated.finishedAt);
      assert.deepEqual((await store.evaluations.list()).map((item) => item.id), [evaluation.id]);
    });

    test('serving: api keys by hash, request logs newest first', async () => {
      const key = await store.serving.createApiKey('ci', 'sk-abc', 'hash1');
      assert.equal((await store.serving.useApiKey('hash1'))?.id, key.id);
      assert.equal(await store.serving.useApiKey('nope'), null);
      assert.equal(await store.serving.revokeApiKey(key.id), true);
      assert.equal(await store.serving.useApiKey('hash1'), null);
      const base = { apiKeyId: key.id, endpoint: '/v1/chat/completions', status: 200, latencyMs: 5, promptTokens: 3, completionTokens: 2, response: { ok: true }, error: null };
      await store.serving.logRequest({ ...base, model: 'a', request: { n: 1 }, time: 1000 });
      await store.serving.logRequest({ ...base, model: 'b:tuned', request: { n: 2 }, time: 2000, tags: { team: 'x' }, source: 'serve', adapter: 'tuned', costUsd: 0.5, computeMs: 7 });
      const logs = await store.serving.listRequestLogs();
      assert.deepEqual(logs.map((log) => log.request.n), [2, 1]);
      assert.deepEqual(logs[0].tags, { team: 'x' });
      assert.deepEqual([logs[0].source, logs[0].adapter, logs[0].costUsd, logs[0].computeMs], ['serve', 'tuned', 0.5, 7]);
      assert.deepEqual([logs[1].source, logs[1].adapter, logs[1].costUsd], [null, null, null]);
      assert.deepEqual((await store.serving.listRequestLogs({ model: 'a' })).map((log) => log.time), [1000]);
      assert.deepEqual((await store.serving.listRequestLogs({ since: 1500 })).map((log) => log.model), ['b:tuned']);
      assert.deepEqual((await store.serving.listRequestLogs({ tags: { team: 'x' } })).map((log) => log.time), [2000]);
      assert.deepEqual((await store.serving.listRequestLogs({ tags: { team: 'y' } })).map((log) => log.time), []);
      const limited = await store.serving.createApiKey('batch', 'sk-def', 'hash2', 30);
      assert.equal((await store.serving.useApiKey('hash2'))?.rateLimitPerMinute, 30);
      assert.equal(await store.serving.setApiKeyRateLimit(limited.id, null), true);
      assert.equal((await store.serving.useApiKey('hash2'))?.rateLimitPerMinute, null);
    });
  });
}
