import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lcsLength, rougeL } from './rouge-l.ts';

test('reproduces the worked example of Lin (2004), section 3.1', () => {
  // Reference S1 "police killed the gunman"; S2 "police kill the gunman" scores 3/4, S3 "the gunman kill police" 2/4.
  const reference = 'police killed the gunman';
  assert.equal(rougeL('police kill the gunman', reference).f1, 0.75);
  assert.equal(rougeL('the gunman kill police', reference).f1, 0.5);
});

test('LCS length on awkward cases and F-measure with unequal lengths', () => {
  assert.equal(lcsLength(['a', 'b', 'c', 'b', 'd', 'a', 'b'], ['b', 'd', 'c', 'a', 'b', 'a']), 4);
  assert.equal(lcsLength([], ['a']), 0);
  const score = rougeL('The cat sat', 'the cat sat on the mat');
  assert.equal(score.precision, 1);
  assert.equal(score.recall, 0.5);
  assert.ok(Math.abs(score.f1 - 2 / 3) < 1e-12);
  assert.deepEqual(rougeL('', 'x'), { precision: 0, recall: 0, f1: 0 });
});
