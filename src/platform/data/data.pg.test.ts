/**
 * The dataset pipeline on PostgreSQL: batched import with dedupe and stratified split, all-or-nothing failure,
 * a second version, re-split, filter, stats and export, against SLING_TEST_DATABASE_URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createTestSchema } from '../store/postgres-test-schema.ts';
import { openStore } from '../store/store.ts';
import { exportJsonl } from './export.ts';
import { importFile } from './import-file.ts';
import { datasetStats } from './stats.ts';
import { filterRows, resplit } from './transform.ts';
import { allRows, chatLine, scratch } from './test-helpers.ts';

test('PostgreSQL: import, versions, split, filter, stats and export', async (context) => {
  const schema = await createTestSchema('data');
  if (!schema) return context.skip('SLING_TEST_DATABASE_URL is not set');
  const files = await scratch(); // only for its temporary folder
  const store = await openStore({ databaseUrl: schema.url });
  try {
    // Rows 2900..2999 repeat rows 0..99 (same conversation), so 100 duplicates.
    const lines = Array.from({ length: 3000 }, (_, index) => {
      const label = (index % 2900) % 3 === 0 ? 'spam' : 'ham';
      return chatLine(`mail ${index % 2900}`, label, { label, metadata: { box: index % 2 ? 'odd' : 'even' } });
    });
    const report = await importFile(store, files.write('mail.jsonl', lines.join('\n')), { name: 'mail', batchSize: 250, testFraction: 0.2, seed: 9 });
    assert.deepEqual([report.valid, report.imported, report.duplicates], [3000, 2900, 100]);
    const stats = await datasetStats(store, 'mail');
    assert.equal(stats.labels.spam.test, Math.round((stats.labels.spam.train + stats.labels.spam.test) * 0.2));
    assert.equal(stats.labels.ham.test, Math.round((stats.labels.ham.train + stats.labels.ham.test) * 0.2));

    const bad = [...lines.slice(0, 2000).map((line) => line.replace('mail ', 'other ')), '{"messages": []}'];
    await assert.rejects(importFile(store, files.write('bad.jsonl', bad.join('\n')), { name: 'mail', batchSize: 250 }), /bad\.jsonl, line 2001, field "messages"/);
    const [count] = await store.runner.query<{ n: number }>('SELECT COUNT(*) AS n FROM dataset_rows');
    assert.equal(Number(count.n), 2900);
    assert.equal((await store.datasets.listDatasets())[0].latestVersion, 1);

    const csv = files.write('more.csv', 'text,label\nbrand new mail,ham\n"mail 1",spam\n');
    const second = await importFile(store, csv, { name: 'mail', csv: { inputColumn: 'text', labelColumn: 'label' } });
    assert.deepEqual([second.version.version, second.imported, second.version.rowCount], [2, 2, 2902]);

    const resplitVersion = await resplit(store, 'mail', { testFraction: 0.5, seed: 1 });
    const split = await datasetStats(store, 'mail');
    assert.equal(resplitVersion.version, 3);
    assert.ok(Math.abs(split.splits.test - 1451) <= 2, JSON.stringify(split.splits));
    const odd = await filterRows(store, 'mail@1', { metadata: { box: 'odd' } });
    const oddRows = await allRows(store, odd.id);
    assert.ok(oddRows.length > 1000 && oddRows.every((row) => row.metadata.box === 'odd'));

    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => (text += chunk));
    assert.equal(await exportJsonl(store, 'mail@2', out), 2902);
    assert.equal(text.trim().split('\n').length, 2902);
  } finally {
    await store.close();
    await files.close();
    await schema.drop();
  }
});
