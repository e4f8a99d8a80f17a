import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseTestRows, type SplitKey } from './split.ts';

function keys(count: number, label: (index: number) => string | null): SplitKey[] {
  return Array.from({ length: count }, (_, index) => ({ position: index + 1, contentHash: `row-${index}`, label: label(index) }));
}

test('the split is stratified: each label keeps its share in test', () => {
  const rows = keys(1000, (index) => (index % 10 < 3 ? 'spam' : 'ham'));
  const test = new Set(chooseTestRows(rows, { testFraction: 0.2, seed: 1 }));
  const spamInTest = rows.filter((row) => row.label === 'spam' && test.has(row.position)).length;
  const hamInTest = rows.filter((row) => row.label === 'ham' && test.has(row.position)).length;
  assert.equal(spamInTest, 60); // 20% of 300
  assert.equal(hamInTest, 140); // 20% of 700
});

test('the split depends on rows and seed only, not on their order', () => {
  const rows = keys(200, () => null);
  const first = chooseTestRows(rows, { testFraction: 0.25, seed: 3 });
  assert.equal(first.length, 50);
  const shuffled = [...rows].reverse();
  assert.deepEqual(chooseTestRows(shuffled, { testFraction: 0.25, seed: 3 }), first);
  assert.notDeepEqual(chooseTestRows(rows, { testFraction: 0.25, seed: 4 }), first);
});

test('a label with a single example stays in train; fraction 0 and 1 are exact', () => {
  const rows = [...keys(10, () => 'common'), { position: 11, contentHash: 'lonely', label: 'rare' }];
  assert.ok(!chooseTestRows(rows, { testFraction: 0.1 }).includes(11));
  assert.deepEqual(chooseTestRows(rows, { testFraction: 0 }), []);
  assert.equal(chooseTestRows(rows, { testFraction: 1 }).length, 11);
});
