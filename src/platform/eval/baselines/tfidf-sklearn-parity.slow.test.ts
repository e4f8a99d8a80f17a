/**
 * Independent reference: scikit-learn (Debian's python3-sklearn) fitting TfidfVectorizer(sublinear_tf=True,
 * ngram_range=(1,2)) + LogisticRegression(C=10) on the same FPB train split. Our vocabulary size must be
 * identical and test-set probabilities agree to optimizer tolerance. Skips when sklearn is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFinancialPhrasebank } from '../datasets/financial-phrasebank.ts';
import { sharedDataPath } from '../datasets/shared-data.ts';
import { trainTfidfClassifier } from './tfidf-classifier.ts';
import { lastUserText } from '../eval-row.ts';

const fpb = sharedDataPath('financial_phrasebank', 'sentences_allagree.jsonl');
const script = `
import json, sys
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
rows = [json.loads(line) for line in open(sys.argv[1])]
train = [r for r in rows if r['split'] == 'train']; test = [r for r in rows if r['split'] == 'test']
vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
features = vectorizer.fit_transform([r['text'] for r in train])
model = LogisticRegression(C=10, max_iter=5000, tol=1e-10).fit(features, [r['label'] for r in train])
print(json.dumps({'vocabulary': len(vectorizer.vocabulary_), 'classes': list(model.classes_),
                  'proba': model.predict_proba(vectorizer.transform([r['text'] for r in test])).tolist()}))
`;
const probe = spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { encoding: 'utf8' });
const skip = !fpb ? 'shared data folder ../shared/data absent' : probe.status !== 0 ? 'scikit-learn not installed (apt-get install python3-sklearn)' : false;

test('TF-IDF + logistic regression matches scikit-learn on FPB', { skip }, () => {
  const run = spawnSync('/usr/bin/python3', ['-c', script, fpb!], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(run.status, 0, run.stderr);
  const reference = JSON.parse(run.stdout) as { vocabulary: number; classes: string[]; proba: number[][] };
  const rows = readFinancialPhrasebank(fpb!);
  const model = trainTfidfClassifier(rows.filter((row) => row.split === 'train'), { C: 10, maxNgram: 2 });
  assert.equal(model.training.vocabularySize, reference.vocabulary);
  assert.deepEqual(model.labels, reference.classes);
  let disagreements = 0;
  rows
    .filter((row) => row.split === 'test')
    .forEach((row, i) => {
      const ours = model.predict(lastUserText(row.messages));
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(ours.probabilities[k] - reference.proba[i][k]) < 2e-3, `row ${i} class ${k}`);
      const theirs = reference.classes[reference.proba[i].indexOf(Math.max(...reference.proba[i]))];
      if (theirs !== ours.label) disagreements++;
    });
  assert.ok(disagreements <= 1, `${disagreements} predictions differ from scikit-learn`);
});
