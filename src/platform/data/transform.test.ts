import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { exportJsonl } from './export.ts';
import { importFile } from './import-file.ts';
import { datasetStats } from './stats.ts';
import { filterRows, resplit } from './transform.ts';
import { allRows, chatLine, scratch } from './test-helpers.ts';

async function exported(run: (out: PassThrough) => Promise<number>): Promise<{ count: number; text: string }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const count = await run(out);
  out.end();
  return { count, text: Buffer.concat(chunks).toString() };
}

function sample(count: number): string {
  return Array.from({ length: count }, (_, index) =>
    chatLine(`message ${index} ${'x'.repeat(index)}`, index % 4 === 0 ? 'spam' : 'ham', {
      label: index % 4 === 0 ? 'spam' : 'ham',
      metadata: { source: index < 20 ? 'web' : 'mail' },
      ...(index === 0 ? { split: 'TEST' } : {}),
    }),
  ).join('\n');
}

test('re-split and filter make new versions; older versions stay as they were', async () => {
  const work = await scratch();
  try {
    await importFile(work.store, work.write('s.jsonl', sample(40)), { name: 's', testFraction: 0.25, seed: 1 });
    const v1 = await allRows(work.store, (await work.store.datasets.getVersion(1, 1))!.id);
    const v2 = await resplit(work.store, 's', { testFraction: 0.5, seed: 2 });
    assert.equal(v2.version, 2);
    assert.match(v2.change, /split 50% test, seed 2 \(from v1\)/);
    const resplitRows = await allRows(work.store, v2.id);
    assert.equal(resplitRows[0].split, 'test'); // came with the source: kept
    const moved = resplitRows.filter((row) => !row.splitFixed && row.split === 'test').length;
    assert.equal(moved, 20); // non-fixed spam: round(9 × 0.5) = 5; ham: 30 × 0.5 = 15
    assert.deepEqual(await allRows(work.store, (await work.store.datasets.getVersion(1, 1))!.id), v1);

    const web = await filterRows(work.store, 's@1', { metadata: { source: 'web' }, minChars: 15 });
    assert.equal(web.version, 3);
    assert.equal(web.parentId, (await work.store.datasets.getVersion(1, 1))!.id);
    const webRows = await allRows(work.store, web.id);
    assert.ok(webRows.every((row) => row.metadata.source === 'web' && row.charCount >= 15));
    assert.equal(webRows.length, v1.filter((row) => row.metadata.source === 'web' && row.charCount >= 15).length);
    await assert.rejects(filterRows(work.store, 's', { label: 'nothing' }), { code: 'empty_result' });
    await assert.rejects(resplit(work.store, 's@9'), { code: 'dataset_not_found' });
    await assert.rejects(resplit(work.store, 'nope'), { code: 'dataset_not_found' });
  } finally {
    await work.close();
  }
});

test('stats count splits, labels, lengths and tokens with a plugged-in tokenizer', async () => {
  const work = await scratch();
  try {
    await importFile(work.store, work.write('s.jsonl', sample(40)), { name: 's', testFraction: 0.25 });
    const whitespaceTokens = (text: string) => text.split(/\s+/).filter(Boolean).map((_, index) => index);
    const stats = await datasetStats(work.store, 's', { tokenize: whitespaceTokens });
    assert.equal(stats.rows, 40);
    assert.equal(stats.splits.train + stats.splits.test, 40);
    assert.equal(stats.labels.spam.train + stats.labels.spam.test, 10);
    assert.equal(stats.labels.ham.train + stats.labels.ham.test, 30);
    assert.equal(stats.labels.ham.test, 8); // round(30 * 0.25)
    // Row i has "message i xxx…" (user) + one-word answer: 3 words (2 for i = 0) + 1.
    assert.deepEqual([stats.tokens?.min, stats.tokens?.max], [3, 4]);
    const lengths = Array.from({ length: 40 }, (_, index) => `message ${index} ${'x'.repeat(index)}`.length + (index % 4 === 0 ? 4 : 3));
    assert.equal(stats.characters.max, Math.max(...lengths));
    assert.equal(stats.characters.min, Math.min(...lengths));
    assert.ok(Math.abs(stats.characters.mean - lengths.reduce((a, b) => a + b) / 40) < 1e-9);
  } finally {
    await work.close();
  }
});

test('export writes OpenAI chat JSONL that imports back to the same rows', async () => {
  const work = await scratch();
  try {
    const first = await importFile(work.store, work.write('s.jsonl', sample(30)), { name: 's', system: 'Be terse.' });
    const { count, text } = await exported((out) => exportJsonl(work.store, 's', out));
    assert.equal(count, 30);
    const firstLine = JSON.parse(text.split('\n')[0]);
    assert.deepEqual(Object.keys(firstLine), ['messages', 'split', 'label', 'metadata']);
    assert.equal(firstLine.split, 'TEST');
    const again = await importFile(work.store, work.write('back.jsonl', text), { name: 'copy' });
    const original = await allRows(work.store, first.version.id);
    const copy = await allRows(work.store, again.version.id);
    assert.deepEqual(
      copy.map((row) => [row.contentHash, row.split, row.label, row.metadata]),
      original.map((row) => [row.contentHash, row.split, row.label, row.metadata]),
    );
    const bare = await exported((out) => exportJsonl(work.store, 's', out, { split: 'test', messagesOnly: true }));
    assert.equal(bare.count, original.filter((row) => row.split === 'test').length);
    assert.deepEqual(Object.keys(JSON.parse(bare.text.split('\n')[0])), ['messages']);
  } finally {
    await work.close();
  }
});
