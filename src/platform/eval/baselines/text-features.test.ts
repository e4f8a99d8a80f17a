import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitTfidf, textTerms, transformTfidf } from './text-features.ts';

test('tokenizes like scikit-learn (2+ word characters, lowercase) with n-grams', () => {
  assert.deepEqual(textTerms('A Profit rose , to EUR 5m', 1), ['profit', 'rose', 'to', 'eur', '5m']);
  assert.deepEqual(textTerms('profit rose sharply', 2), ['profit', 'rose', 'sharply', 'profit rose', 'rose sharply']);
});

test('smoothed idf, sublinear tf and L2 norm match a hand computation', () => {
  // scikit-learn TfidfVectorizer(sublinear_tf=True) on these documents gives the same numbers.
  const model = fitTfidf(['profit up up', 'profit down', 'loss down'], { sublinearTf: true });
  assert.deepEqual([...model.vocabulary.keys()], ['down', 'loss', 'profit', 'up']);
  const idfProfit = Math.log(4 / 3) + 1;
  const idfUp = Math.log(4 / 2) + 1;
  const vector = transformTfidf(model, 'profit up up');
  const raw = [idfProfit, (1 + Math.log(2)) * idfUp];
  const norm = Math.hypot(...raw);
  assert.deepEqual([...vector.indices], [2, 3]);
  assert.ok(Math.abs(vector.values[0] - raw[0] / norm) < 1e-12);
  assert.ok(Math.abs(vector.values[1] - raw[1] / norm) < 1e-12);
});

test('min document frequency drops rare terms and unknown words are ignored', () => {
  const model = fitTfidf(['alpha beta', 'alpha gamma'], { minDocumentFrequency: 2 });
  assert.deepEqual([...model.vocabulary.keys()], ['alpha']);
  assert.equal(transformTfidf(model, 'zeta').indices.length, 0);
});
