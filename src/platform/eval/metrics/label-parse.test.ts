import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabel } from './label-parse.ts';

const labels = ['positive', 'negative', 'neutral'];

test('parses labels leniently: case, punctuation, surrounding text', () => {
  assert.deepEqual(parseLabel('The answer is: Positive.', labels), { label: 'positive', ambiguous: false });
  assert.deepEqual(parseLabel('NEGATIVE', labels), { label: 'negative', ambiguous: false });
  assert.deepEqual(parseLabel('  neutral\n', labels), { label: 'neutral', ambiguous: false });
  assert.deepEqual(parseLabel('{"label": "neutral"}', labels), { label: 'neutral', ambiguous: false });
});

test('first mentioned label wins and mentioning two labels is flagged ambiguous', () => {
  assert.deepEqual(parseLabel('Negative, though some might say positive', labels), { label: 'negative', ambiguous: true });
});

test('labels match whole words only', () => {
  assert.deepEqual(parseLabel('nonpositive outlook', labels), { label: null, ambiguous: false });
  assert.deepEqual(parseLabel('I cannot tell', labels), { label: null, ambiguous: false });
});

test('at the same position the longer label wins and is not ambiguous with the shorter one inside it', () => {
  const graded = ['positive', 'very positive'];
  assert.deepEqual(parseLabel('Very positive!', graded), { label: 'very positive', ambiguous: false });
  assert.deepEqual(parseLabel('It is very positive overall', graded), { label: 'very positive', ambiguous: false });
  assert.deepEqual(parseLabel('positive', graded), { label: 'positive', ambiguous: false });
});

test('multi-word and punctuated labels are matched after normalization', () => {
  assert.deepEqual(parseLabel('Category: billing-issue', ['billing issue', 'other']), { label: 'billing issue', ambiguous: false });
});
