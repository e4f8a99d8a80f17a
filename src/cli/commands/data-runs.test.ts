/**
 * The rest of the `sling data` and `sling runs` commands through the real binary: data ls / split / filter /
 * stats --tokenizer, and a job run by `sling worker --once` then read back with runs ls / show / logs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(root, 'bin/sling.js');
const countingJob = join(root, 'src/platform/jobs/fixtures/counting-job.ts');
const stories = join(root, '../shared/data/stories260K/stories260K.gguf');

function sling(cwd: string, ...args: string[]): { code: number; out: string; err: string } {
  const env = { ...process.env, SLING_HOME: '', SLING_DATABASE_URL: '', SLING_JOB_MODULES: countingJob };
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env });
  return { code: result.status ?? -1, out: result.stdout, err: result.stderr };
}

test('sling data ls, split, filter and stats --tokenizer; sling runs ls, show and logs of a job the worker ran', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-cli-'));
  try {
    assert.equal(sling(folder, 'init', '.').code, 0);
    const mails = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? `Win ${i} dollars now, click here\tspam` : `Lunch at ${i}?\tham`));
    writeFileSync(join(folder, 'mail.tsv'), `text\tlabel\n${mails.join('\n')}\n`);
    assert.equal(sling(folder, 'data', 'import', 'mail.tsv', '--name', 'mail', '--input-column', 'text', '--label-column', 'label').code, 0);

    assert.match(sling(folder, 'data', 'ls').out, /^mail\s+v1\s+20 rows/m);
    const split = sling(folder, 'data', 'split', 'mail', '--test-fraction', '0.5', '--seed', '1');
    assert.equal(split.code, 0, split.err);
    assert.match(split.out, /^v2: /);
    const splitStats = JSON.parse(sling(folder, 'data', 'stats', 'mail@2', '--json').out);
    assert.deepEqual(splitStats.labels, { spam: { train: 5, test: 5 }, ham: { train: 5, test: 5 } }, 'stratified by label');

    const filtered = sling(folder, 'data', 'filter', 'mail', '--label', 'spam', '--split', 'test');
    assert.equal(filtered.code, 0, filtered.err);
    assert.match(filtered.out, /^v3: 5 rows/);
    const short = sling(folder, 'data', 'filter', 'mail@2', '--max-chars', '20');
    assert.match(short.out, /^v4: 10 rows/, 'only the short ham mails');
    assert.match(sling(folder, 'data', 'ls').out, /^mail\s+v4\s+10 rows/m);
    const badSplit = sling(folder, 'data', 'filter', 'mail', '--split', 'dev');
    assert.equal(badSplit.code, 1);
    assert.match(badSplit.err, /--split must be train or test/);

    if (existsSync(stories)) {
      const { tokens, characters } = JSON.parse(sling(folder, 'data', 'stats', 'mail@1', '--json', '--tokenizer', stories).out);
      assert.ok(tokens.min > 0 && tokens.min <= tokens.median && tokens.median <= tokens.max, JSON.stringify(tokens));
      assert.ok(tokens.max < characters.max, 'stories260K tokens are shorter than characters');
    }

    assert.match(sling(folder, 'runs', 'enqueue', 'test.count', '--payload', '{"to": 3, "stepMs": 1}').out, /job 1 queued/);
    const worked = sling(folder, 'worker', '--once', '--kinds', 'test.count');
    assert.equal(worked.code, 0, worked.err);
    assert.match(sling(folder, 'runs', 'ls').out, /^\s+1\s+test\.count\s+succeeded/m);
    assert.match(sling(folder, 'runs', 'ls', '--status', 'queued').out, /^no jobs$/m);
    const shown = sling(folder, 'runs', 'show', '1').out;
    assert.match(shown, /job 1 \(test\.count\): succeeded, attempt 1/);
    assert.match(shown, /result\s+\{"sum":6,"applied":\[1,2,3\]/);
    assert.match(shown, /metric count = 3 \(step 3\)/);
    const logs = sling(folder, 'runs', 'logs', '1');
    assert.equal(logs.code, 0, logs.err);
    assert.ok(logs.out.trim().split('\n').length >= 1, 'the worker logged the job');
    assert.match(sling(folder, 'runs', 'show', '9').err, /error \[job_not_found\]/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
