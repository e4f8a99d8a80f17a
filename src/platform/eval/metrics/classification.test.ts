import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyMetric, confusionMatrix, macroF1, macroF1Metric, NO_LABEL, type LabelPair } from './classification.ts';
import type { EvalRow } from '../eval-row.ts';

const row = (answer: string, label?: string): EvalRow => ({
  messages: [
    { role: 'user', content: 'classify' },
    { role: 'assistant', content: answer },
  ],
  split: 'test',
  label,
});

test('macro-F1 matches a hand computation (sklearn f1_score average="macro" gives 0.4333)', () => {
  const references = ['a', 'a', 'b', 'b', 'c'];
  const predictions = ['a', 'b', 'b', 'b', 'a'];
  const pairs: LabelPair[] = references.map((reference, i) => ({ reference, predicted: predictions[i], ambiguous: false }));
  // a: P=1/2 R=1/2 F=0.5; b: P=2/3 R=1 F=0.8; c: F=0
  assert.ok(Math.abs(macroF1(pairs, ['a', 'b', 'c']) - 1.3 / 3) < 1e-12);
});

test('accuracy uses row.label or the parsed reference, and unparseable outputs count as wrong', () => {
  const rows = [row('positive'), row('Negative.', 'negative'), row('neutral')];
  const outputs = ['The answer is: Positive.', 'I do not know', 'neutral'];
  const metric = accuracyMetric(['positive', 'negative', 'neutral']);
  const scores = rows.map((r, i) => metric.score(r, outputs[i], i));
  assert.equal(scores[1].predicted, NO_LABEL);
  assert.ok(Math.abs(metric.aggregate(scores) - 2 / 3) < 1e-12);
  const f1 = macroF1Metric(['positive', 'negative', 'neutral']);
  // positive F=1, negative F=0 (missed), neutral F=1
  assert.ok(Math.abs(f1.aggregate(scores) - 2 / 3) < 1e-12);
});

test('confusion matrix counts reference × predicted including (none)', () => {
  const pairs: LabelPair[] = [
    { reference: 'x', predicted: 'x', ambiguous: false },
    { reference: 'x', predicted: 'y', ambiguous: false },
    { reference: 'y', predicted: NO_LABEL, ambiguous: false },
  ];
  const matrix = confusionMatrix(pairs, ['x', 'y']);
  assert.deepEqual(matrix.predictedLabels, ['x', 'y', NO_LABEL]);
  assert.deepEqual(matrix.counts, [
    [1, 1, 0],
    [0, 0, 1],
  ]);
});
