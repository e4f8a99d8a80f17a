import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePairVerdict, parsePassFail } from './parse-verdict.ts';

test('pair verdicts: JSON, fenced JSON, MT-Bench brackets, labelled and prose answers', () => {
  const cases: Array<[string, 'A' | 'B' | 'tie' | null]> = [
    ['{"winner": "A", "explanation": "more precise"}', 'A'],
    ['```json\n{"winner":"Answer B","explanation":"x"}\n```', 'B'],
    ['{"winner": "tie"}', 'tie'],
    ['After careful thought: [[B]]', 'B'],
    ['[[C]]', 'tie'],
    ['Winner: Output A', 'A'],
    ['**Verdict:** B', 'B'],
    ['Both are equally good, so it is a tie.', 'tie'],
    ['Answer B is better because it is correct.', 'B'],
    ['{"winner":"B","explanation":"B is more compl', 'B'],
    ['Once upon a time there was a cat.', null],
    ['', null],
  ];
  for (const [text, expected] of cases) assert.equal(parsePairVerdict(text).verdict, expected, text);
  assert.equal(parsePairVerdict('{"winner":"A","explanation":"cites the figure"}').explanation, 'cites the figure');
});

test('pass/fail verdicts: JSON, booleans, and the first decisive word', () => {
  assert.deepEqual(parsePassFail('{"verdict": "PASS", "reason": "ok"}'), { pass: true, reason: 'ok' });
  assert.deepEqual(parsePassFail('{"verdict":"fail","reason":"no number"}'), { pass: false, reason: 'no number' });
  assert.deepEqual(parsePassFail('{"pass": false, "reason": "empty"}'), { pass: false, reason: 'empty' });
  assert.equal(parsePassFail('PASS. It does not fail to mention the profit.').pass, true);
  assert.equal(parsePassFail('The answer FAILS the criterion.').pass, false);
  assert.equal(parsePassFail('passable prose without a verdict').pass, null);
  assert.equal(parsePassFail('{"verdict":"FAIL","reason":"the answer never men').pass, false);
});
