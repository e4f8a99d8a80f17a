import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderEmail, spamAssassinRows } from './spam-assassin.ts';

test('renders subject, sender and body text without HTML', () => {
  const raw = 'From: a@b.c\nSubject: Hello\n  world\nX-Other: 1\n\n<html><b>Buy</b>&nbsp;now</html>';
  assert.equal(renderEmail(raw), 'Subject: Hello world\nFrom: a@b.c\n\nBuy now');
});

test('the npm corpus yields 6046 labelled rows split by collection', () => {
  const rows = spamAssassinRows();
  assert.equal(rows.length, 6046);
  const count = (predicate: (row: (typeof rows)[number]) => boolean) => rows.filter(predicate).length;
  assert.equal(count((row) => row.label === 'spam'), 1896);
  assert.equal(count((row) => row.split === 'test'), 2796);
  assert.ok(rows.every((row) => row.text.startsWith('Subject: ')));
});
