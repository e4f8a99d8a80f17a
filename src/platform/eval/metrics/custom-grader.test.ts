import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gradeAll, loadGrader } from './custom-grader.ts';
import type { EvalRow } from '../eval-row.ts';

const rows: EvalRow[] = [
  { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'four' }], split: 'test' },
  { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'five' }], split: 'test' },
];

test('loads a TypeScript grader file and grades every row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sling-grader-'));
  const file = join(dir, 'length-grader.ts');
  writeFileSync(
    file,
    `export default function grade(row: { messages: { content: string }[] }, output: string): number {
      return output.includes(row.messages[1].content) ? 1 : 0.25;
    }\n`,
  );
  const grader = await loadGrader(file);
  assert.equal(grader.name, 'length-grader');
  assert.deepEqual(await gradeAll(grader.grade, grader.name, rows, ['it is four', 'six']), [1, 0.25]);
});

test('a score outside [0, 1] and a file without a default export are clear errors', async () => {
  await assert.rejects(gradeAll(() => 2, 'bad', rows, ['a', 'b']), { code: 'grader_bad_score' });
  const dir = mkdtempSync(join(tmpdir(), 'sling-grader-'));
  const file = join(dir, 'no-default.mjs');
  writeFileSync(file, 'export const x = 1;\n');
  await assert.rejects(loadGrader(file), { code: 'grader_no_default_export' });
  await assert.rejects(loadGrader(join(dir, 'missing.ts')), { code: 'grader_load_failed' });
});
