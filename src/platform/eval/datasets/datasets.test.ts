import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFinancialPhrasebank } from './financial-phrasebank.ts';
import { entitiesOf, readConll2003, readConllSentences } from './conll2003.ts';
import { sharedDataPath } from './shared-data.ts';

const fpb = sharedDataPath('financial_phrasebank', 'sentences_allagree.jsonl');
const conll = sharedDataPath('conll2003');

test('Financial PhraseBank AllAgree: 1812 train / 452 test canonical rows', { skip: fpb ? false : 'shared data folder ../shared/data absent' }, () => {
  const rows = readFinancialPhrasebank(fpb!);
  assert.equal(rows.filter((row) => row.split === 'train').length, 1812);
  assert.equal(rows.filter((row) => row.split === 'test').length, 452);
  const first = rows[0];
  assert.equal(first.messages.at(-1)!.role, 'assistant');
  assert.equal(first.messages.at(-1)!.content, first.label);
  assert.match(first.messages[0].content, /According to Gran , the company has no plans/);
});

test('CoNLL-2003: sentence counts match the dataset card and entities are decoded from IOB2', { skip: conll ? false : 'shared data folder ../shared/data absent' }, () => {
  assert.equal(readConllSentences(join(conll!, 'train.txt')).length, 14041);
  const test = readConll2003(join(conll!, 'test.txt'), 'test');
  assert.equal(test.length, 3453);
  // Second test sentence: "Nadim Ladki" (B-PER I-PER); third: AL-AIN (LOC), United Arab Emirates (LOC).
  assert.deepEqual(JSON.parse(test[1].messages[1].content), { PER: ['Nadim Ladki'], ORG: [], LOC: [], MISC: [] });
  assert.deepEqual(JSON.parse(test[2].messages[1].content).LOC, ['AL-AIN', 'United Arab Emirates']);
});

test('IOB decoding: adjacent B- tags split entities, a stray I- starts one', () => {
  const entities = entitiesOf({ tokens: ['A', 'B', 'C', 'D', 'E'], tags: ['B-PER', 'B-PER', 'I-PER', 'O', 'I-LOC'], line: 1 });
  assert.deepEqual(entities, { PER: ['A', 'B C'], ORG: [], LOC: ['E'], MISC: [] });
});

test('malformed CoNLL and FPB lines are errors that name file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sling-datasets-'));
  writeFileSync(join(dir, 'bad.txt'), '-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP X-TAG\n');
  assert.throws(() => readConllSentences(join(dir, 'bad.txt')), { code: 'dataset_bad_row', line: 4 });
  writeFileSync(join(dir, 'bad.jsonl'), '{"text":"ok","label":"positive","split":"train"}\n{"text":"x","label":"great"}\n');
  assert.throws(() => readFinancialPhrasebank(join(dir, 'bad.jsonl')), { code: 'dataset_bad_row', line: 2, field: 'label' });
});
