import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importFile } from './import-file.ts';
import { allRows, scratch } from './test-helpers.ts';

test('CSV with a label column and an instruction template becomes a classification dataset', async () => {
  const work = await scratch();
  try {
    const file = work.write(
      'mail.csv',
      ['text,category,sender', '"Win money now, click!",spam,a@x', '"Lunch at noon?\nSee you",ham,b@y', 'Meeting moved,ham,c@z'].join('\n'),
    );
    const report = await importFile(work.store, file, {
      name: 'mail',
      testFraction: 0,
      csv: { inputColumn: 'text', labelColumn: 'category', instruction: 'Classify as spam or ham:\n{input}' },
    });
    const rows = await allRows(work.store, report.version.id);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[1].messages, [
      { role: 'user', content: 'Classify as spam or ham:\nLunch at noon?\nSee you' },
      { role: 'assistant', content: 'ham' },
    ]);
    assert.deepEqual([rows[1].label, rows[1].metadata], ['ham', { sender: 'b@y' }]);
  } finally {
    await work.close();
  }
});

test('TSV with an output column and a split column; errors name file, line and column', async () => {
  const work = await scratch();
  try {
    const file = work.write('pairs.tsv', ['question\tanswer\tpart', 'q1\ta1\tTRAIN', 'q2\t\tTEST', 'q3\ta3\ttest'].join('\n'));
    const mapping = { inputColumn: 'question', outputColumn: 'answer', splitColumn: 'part' };
    await assert.rejects(importFile(work.store, file, { name: 'p', csv: mapping }), /pairs\.tsv, line 3, field "answer": column "answer" is empty/);
    const report = await importFile(work.store, file, { name: 'p', csv: mapping, skipInvalid: true });
    const rows = await allRows(work.store, report.version.id);
    assert.deepEqual(rows.map((row) => [row.messages[0].content, row.messages[1].content, row.split]), [['q1', 'a1', 'train'], ['q3', 'a3', 'test']]);

    await assert.rejects(importFile(work.store, file, { name: 'p', csv: { inputColumn: 'prompt', outputColumn: 'answer' } }), (error: Error) => {
      assert.match(error.message, /pairs\.tsv, line 1, field "prompt": column "prompt" is not in the header/);
      assert.match(error.message, /columns are: question, answer, part/);
      return true;
    });
    await assert.rejects(importFile(work.store, file, { name: 'p', csv: { inputColumn: 'question' } }), { code: 'invalid_mapping' });
    await assert.rejects(importFile(work.store, file, { name: 'p', format: 'csv' }), { code: 'invalid_mapping' });
  } finally {
    await work.close();
  }
});

test('a malformed CSV names the line', async () => {
  const work = await scratch();
  try {
    const file = work.write('bad.csv', 'a,b\n1,2\n"unterminated,3\n');
    await assert.rejects(importFile(work.store, file, { name: 'b', csv: { inputColumn: 'a', outputColumn: 'b' } }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'invalid_file');
      assert.match(error.message, /bad\.csv/);
      return true;
    });
    assert.equal(await work.store.datasets.getDataset('b'), null);
  } finally {
    await work.close();
  }
});
