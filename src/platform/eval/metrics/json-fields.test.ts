import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFields, fieldF1, fieldPrecision, fieldRecall, flattenFacts, parseJsonAnswer } from './json-fields.ts';

test('flattens nested objects to dotted paths and lists to multisets', () => {
  const facts = flattenFacts({ a: 1, b: { c: 'x' }, d: ['p', 'p', 'q'] });
  assert.deepEqual(Object.fromEntries(facts), { 'a=1': 1, 'b.c="x"': 1, 'd[]="p"': 2, 'd[]="q"': 1 });
});

test('lists compare as multisets: order ignored, duplicates counted', () => {
  const counts = compareFields('{"PER":["Bob","Ann"],"LOC":[]}', '{"PER":["Ann","Bob","Bob"],"LOC":["Paris"]}');
  assert.deepEqual(counts, { valid: true, matched: 2, predicted: 2, reference: 4 });
});

test('invalid JSON is counted invalid with zero predictions; fenced JSON is accepted', () => {
  assert.deepEqual(compareFields('not json', '{"a":1}'), { valid: false, matched: 0, predicted: 0, reference: 1 });
  assert.equal(parseJsonAnswer('Here you go:\n```json\n{"a": 1}\n```').ok, true);
  assert.deepEqual(compareFields('Sure! {"a": 1, "b": 2}', '{"a":1,"b":3}'), { valid: true, matched: 1, predicted: 2, reference: 2 });
});

test('micro precision/recall/F1 sum counts over rows', () => {
  const rows = [
    { valid: true, matched: 2, predicted: 3, reference: 2 },
    { valid: true, matched: 1, predicted: 1, reference: 4 },
  ];
  assert.equal(fieldPrecision(rows), 3 / 4);
  assert.equal(fieldRecall(rows), 3 / 6);
  assert.ok(Math.abs(fieldF1(rows) - (2 * 0.75 * 0.5) / 1.25) < 1e-12);
});
