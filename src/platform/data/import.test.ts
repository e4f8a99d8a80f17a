import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlingError } from '../../core/errors.ts';
import { arraySource, importRows } from './import.ts';
import { importFile } from './import-file.ts';
import { allRows, chatLine, scratch } from './test-helpers.ts';

test('chat JSONL: rows, given splits kept (any case), metadata, labels, system prompt, duplicates dropped', async () => {
  const work = await scratch();
  try {
    const lines = [
      chatLine('2+2?', '4', { split: 'TEST', metadata: { topic: 'math' } }),
      '',
      chatLine('capital of France?', 'Paris', { split: 'train', label: 'geo' }),
      chatLine('  2+2?', '4\n'), // same conversation as line 1 once normalised
      ...Array.from({ length: 20 }, (_, index) => chatLine(`question ${index}`, `answer ${index}`)),
    ];
    const file = work.write('chat.jsonl', lines.join('\n') + '\n');
    const report = await importFile(work.store, file, { name: 'qa', system: 'Answer briefly.', testFraction: 0.1, seed: 5 });
    assert.deepEqual([report.valid, report.imported, report.duplicates, report.invalid], [23, 22, 1, 0]);
    assert.equal(report.version.version, 1);
    assert.equal(report.version.change, 'import chat.jsonl');
    const rows = await allRows(work.store, report.version.id);
    assert.equal(rows.length, 22);
    assert.deepEqual(rows[0].messages, [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: '2+2?' },
      { role: 'assistant', content: '4' },
    ]);
    assert.deepEqual([rows[0].split, rows[0].splitFixed, rows[0].metadata], ['test', true, { topic: 'math' }]);
    assert.deepEqual([rows[1].split, rows[1].label], ['train', 'geo']);
    const generated = rows.slice(2);
    assert.equal(generated.filter((row) => row.split === 'test').length, 2); // 10% of 20, seeded
    assert.ok(generated.every((row) => !row.splitFixed && row.split !== null));
  } finally {
    await work.close();
  }
});

test('a bad row fails the import with file, line and field, and leaves the store as it was', async () => {
  const work = await scratch();
  try {
    const good = work.write('good.jsonl', [chatLine('a', 'b'), chatLine('c', 'd')].join('\n'));
    const first = await importFile(work.store, good, { name: 'd' });
    const bad = work.write('bad.jsonl', [chatLine('e', 'f'), chatLine('g', 'h'), '{"messages": [{"role": "user", "content": "x"}]}', chatLine('i', 'j')].join('\n'));
    await assert.rejects(importFile(work.store, bad, { name: 'd', batchSize: 1 }), (error: SlingError) => {
      assert.equal(error.code, 'invalid_row');
      assert.match(error.message, /bad\.jsonl, line 3, field "messages\[0\]\.role"/);
      return true;
    });
    await assert.rejects(importFile(work.store, bad, { name: 'fresh', batchSize: 1 }), { code: 'invalid_row' });
    assert.equal(await work.store.datasets.getDataset('fresh'), null);
    const versions = await work.store.datasets.listVersions(first.dataset.id);
    assert.deepEqual(versions.map((version) => version.version), [1]);
    const [count] = await work.store.runner.query<{ n: number }>('SELECT COUNT(*) AS n FROM dataset_rows');
    assert.equal(Number(count.n), 2);

    const broken = work.write('broken.jsonl', `${chatLine('k', 'l')}\n{not json\n`);
    await assert.rejects(importFile(work.store, broken, { name: 'd' }), /broken\.jsonl, line 2, field "json": not valid JSON/);
  } finally {
    await work.close();
  }
});

test('--skip-invalid imports the rest and counts the bad rows', async () => {
  const work = await scratch();
  try {
    const file = work.write('mixed.jsonl', [chatLine('a', 'b'), '[]', chatLine('c', 'd', { split: 'dev' }), chatLine('e', 'f')].join('\n'));
    const report = await importFile(work.store, file, { name: 'm', skipInvalid: true });
    assert.deepEqual([report.imported, report.invalid], [2, 2]);
    assert.deepEqual(report.errors.map((error) => [error.line, error.field]), [[2, 'json'], [3, 'split']]);
  } finally {
    await work.close();
  }
});

test('importing into an existing dataset makes a new version; the old one stays readable', async () => {
  const work = await scratch();
  try {
    const first = await importFile(work.store, work.write('a.jsonl', [chatLine('a', '1'), chatLine('b', '2')].join('\n')), { name: 'd' });
    const second = await importFile(work.store, work.write('b.jsonl', [chatLine('b', '2'), chatLine('c', '3')].join('\n')), { name: 'd' });
    assert.equal(second.version.version, 2);
    assert.equal(second.version.parentId, first.version.id);
    assert.deepEqual([second.imported, second.duplicates, second.version.rowCount], [1, 1, 3]);
    assert.deepEqual((await allRows(work.store, first.version.id)).map((row) => row.messages[0].content), ['a', 'b']);
    assert.deepEqual((await allRows(work.store, second.version.id)).map((row) => row.messages[0].content), ['a', 'b', 'c']);
    await assert.rejects(importFile(work.store, work.write('c.jsonl', chatLine('a', '1')), { name: 'd' }), { code: 'empty_import' });
  } finally {
    await work.close();
  }
});

test('prompt/completion JSONL, format detection and unknown formats', async () => {
  const work = await scratch();
  try {
    const file = work.write('pc.jsonl', ['{"prompt": "Translate: cat", "completion": "chat", "split": "Test"}', '{"prompt": "Translate: dog", "completion": ""}'].join('\n'));
    await assert.rejects(importFile(work.store, file, { name: 'pc' }), /pc\.jsonl, line 2, field "completion"/);
    const report = await importFile(work.store, file, { name: 'pc', skipInvalid: true });
    const [row] = await allRows(work.store, report.version.id);
    assert.deepEqual(row.messages, [{ role: 'user', content: 'Translate: cat' }, { role: 'assistant', content: 'chat' }]);
    assert.equal(row.split, 'test');
    await assert.rejects(importFile(work.store, work.write('x.jsonl', '{"text": "hi"}'), { name: 'x' }), { code: 'unknown_format' });
    await assert.rejects(importFile(work.store, 'missing.jsonl', { name: 'x' }), { code: 'file_not_found' });
  } finally {
    await work.close();
  }
});

test('programmatic import from an array validates rows like files', async () => {
  const work = await scratch();
  try {
    const rows = [
      { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }], label: 'greeting', metadata: { id: 1 } },
      { messages: 'nope' },
    ];
    await assert.rejects(importRows(work.store, arraySource(rows, 'quickstart'), { name: 'g', sourceName: 'quickstart' }), /quickstart, line 2, field "messages"/);
    const report = await importRows(work.store, arraySource(rows.slice(0, 1)), { name: 'g', sourceName: 'rows' });
    assert.equal(report.imported, 1);
  } finally {
    await work.close();
  }
});
