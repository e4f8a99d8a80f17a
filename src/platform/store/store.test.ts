/** @module platform/store/store.test — the shared store suite on SQLite (a new file per test). */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './store.ts';
import { defineStoreSuite } from './store-suite.ts';
import { defineServingMigrationSuite } from './serving-migration-suite.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-store-'));
after(() => rmSync(folder, { recursive: true, force: true }));
let counter = 0;
let path = '';

defineStoreSuite('SQLite', {
  fresh: async () => {
    path = join(folder, `store-${++counter}.db`);
  },
  open: (migrations) => openStore({ sqlitePath: path, migrations }),
});

defineServingMigrationSuite('SQLite', {
  fresh: async () => {
    path = join(folder, `store-${++counter}.db`);
  },
  open: (migrations, workspaceRoot) => openStore({ sqlitePath: path, migrations, workspaceRoot }),
});

test('SQLite: the outer store used inside a transaction joins it instead of deadlocking; others wait', async () => {
  const store = await openStore({ sqlitePath: join(folder, 'joined.db') });
  try {
    let open!: () => void;
    const transactionOpen = new Promise<void>((resolve) => (open = resolve));
    let outsideSawJobs: number | undefined;
    // Started outside the transaction, so it belongs to another async context: it must wait for the end.
    const outside = (async () => {
      await transactionOpen;
      outsideSawJobs = (await store.jobs.list()).length;
    })();
    await assert.rejects(
      store.transaction(async (tx) => {
        const job = await tx.jobs.enqueue({ kind: 'inside' });
        // Same async context as the transaction: joins it and sees its uncommitted row.
        assert.equal((await store.jobs.get(job.id))?.kind, 'inside');
        open();
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(outsideSawJobs, undefined);
        throw new Error('roll back');
      }),
      /roll back/,
    );
    await outside;
    assert.equal(outsideSawJobs, 0);
  } finally {
    await store.close();
  }
});

test('SQLite: the dashboard filters on request logs (tag, model, status, time) are index lookups', async () => {
  const store = await openStore({ sqlitePath: ':memory:' });
  try {
    const plan = async (where: string) =>
      (await store.runner.query<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT * FROM request_logs WHERE ${where} ORDER BY id DESC LIMIT 100`))
        .map((step) => step.detail)
        .join(' | ');
    assert.match(await plan("id IN (SELECT log_id FROM request_log_tags WHERE name = 'team' AND value = 'x')"), /INDEX request_log_tags_lookup \(name=\? AND value=\?\)/);
    assert.match(await plan("model = 'stories'"), /INDEX request_logs_model \(model=\?\)/);
    assert.match(await plan("adapter = 'support'"), /INDEX request_logs_adapter \(adapter=\?\)/);
    assert.match(await plan('status = 500'), /INDEX request_logs_status \(status=\?\)/);
    assert.match(await plan('time >= 5 AND time < 10'), /INDEX request_logs_time/);
  } finally {
    await store.close();
  }
});
