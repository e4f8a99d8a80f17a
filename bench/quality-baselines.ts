/**
 * Classical quality baselines on real data, the numbers Sling's fine-tunes must beat:
 *   Financial PhraseBank AllAgree (test split): TF-IDF + logistic regression, majority class;
 *   CoNLL-2003 English (test.txt): gazetteer NER, entity-level micro-F1.
 * Peer: scikit-learn (Debian python3-sklearn) TfidfVectorizer(sublinear_tf, 1-2 grams) + LogisticRegression(C=10)
 * on the same split. Prints a table, then one JSON line (ours/peer = FPB test accuracy).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFinancialPhrasebank, FPB_LABELS } from '../src/platform/eval/datasets/financial-phrasebank.ts';
import { readConll2003 } from '../src/platform/eval/datasets/conll2003.ts';
import { sharedDataPath } from '../src/platform/eval/datasets/shared-data.ts';
import { trainTfidfClassifier } from '../src/platform/eval/baselines/tfidf-classifier.ts';
import { trainMajorityClass } from '../src/platform/eval/baselines/majority-class.ts';
import { trainGazetteer } from '../src/platform/eval/baselines/gazetteer-ner.ts';
import { evaluate } from '../src/platform/eval/run/evaluate.ts';

const fpbPath = sharedDataPath('financial_phrasebank', 'sentences_allagree.jsonl');
const conllPath = sharedDataPath('conll2003');
if (!fpbPath || !conllPath) {
  console.error('shared data folder ../shared/data is missing (financial_phrasebank, conll2003)');
  process.exit(2);
}

const fpb = readFinancialPhrasebank(fpbPath);
const fpbTrain = fpb.filter((row) => row.split === 'train');
const fpbTest = fpb.filter((row) => row.split === 'test');
let started = performance.now();
const tfidf = trainTfidfClassifier(fpbTrain, { name: 'tfidf-logreg' });
const trainSeconds = (performance.now() - started) / 1000;
const fpbResult = await evaluate([tfidf, trainMajorityClass(fpbTrain)], fpbTest, { task: { kind: 'classification', labels: [...FPB_LABELS] } });

const conllTrain = readConll2003(join(conllPath, 'train.txt'), 'train');
const conllTest = readConll2003(join(conllPath, 'test.txt'), 'test');
started = performance.now();
const gazetteer = trainGazetteer(conllTrain);
const gazetteerSeconds = (performance.now() - started) / 1000;
const conllResult = await evaluate([gazetteer], conllTest, { task: { kind: 'extraction' } });

const script = `
import json, sys
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
rows = [json.loads(line) for line in open(sys.argv[1])]
train = [r for r in rows if r['split'] == 'train']; test = [r for r in rows if r['split'] == 'test']
v = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
m = LogisticRegression(C=10, max_iter=5000).fit(v.fit_transform([r['text'] for r in train]), [r['label'] for r in train])
p = m.predict(v.transform([r['text'] for r in test])); y = [r['label'] for r in test]
print(json.dumps({'accuracy': accuracy_score(y, p), 'macro_f1': f1_score(y, p, average='macro')}))
`;
const peerRun = spawnSync('/usr/bin/python3', ['-c', script, fpbPath], { encoding: 'utf8' });
const peer = peerRun.status === 0 ? (JSON.parse(peerRun.stdout) as { accuracy: number; macro_f1: number }) : null;

const format = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(4));
const interval = (summary: (typeof fpbResult.summaries)[number], name: string) => {
  const metric = summary.metrics[name];
  return `${format(metric.value)} [${format(metric.low)}, ${format(metric.high)}]`;
};
const lines = [
  ['dataset', 'model', 'metric', 'value [95% CI]', 'train s'],
  ['FPB AllAgree test (452)', 'tfidf-logreg', 'accuracy', interval(fpbResult.summaries[0], 'accuracy'), trainSeconds.toFixed(2)],
  ['', '', 'macro-F1', interval(fpbResult.summaries[0], 'macro_f1'), ''],
  ['', 'majority-class', 'accuracy', interval(fpbResult.summaries[1], 'accuracy'), ''],
  ['', '', 'macro-F1', interval(fpbResult.summaries[1], 'macro_f1'), ''],
  ['', 'scikit-learn (peer)', 'accuracy / macro-F1', peer ? `${format(peer.accuracy)} / ${format(peer.macro_f1)}` : 'not installed', ''],
  ['CoNLL-2003 test (3453)', 'gazetteer-ner', 'entity micro-F1', interval(conllResult.summaries[0], 'field_f1'), gazetteerSeconds.toFixed(2)],
  ['', '', 'precision / recall', `${format(conllResult.summaries[0].metrics.field_precision.value)} / ${format(conllResult.summaries[0].metrics.field_recall.value)}`, ''],
];
const widths = lines[0].map((_, column) => Math.max(...lines.map((line) => line[column].length)));
for (const line of lines) console.log(line.map((cell, column) => cell.padEnd(widths[column])).join('  '));
const ours = fpbResult.summaries[0].metrics.accuracy.value;
console.log(
  JSON.stringify({
    bench: 'quality-baselines',
    ours,
    peer: peer?.accuracy ?? null,
    unit: 'FPB test accuracy',
    ratio: peer ? ours / peer.accuracy : null,
    fpb_macro_f1: fpbResult.summaries[0].metrics.macro_f1.value,
    fpb_majority_accuracy: fpbResult.summaries[1].metrics.accuracy.value,
    conll_gazetteer_f1: conllResult.summaries[0].metrics.field_f1.value,
    peer_macro_f1: peer?.macro_f1 ?? null,
  }),
);
