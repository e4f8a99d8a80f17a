/**
 * End-to-end through the real `sling` binary: init, data import/show/stats/export, runs enqueue/cancel, clear errors.
 * (Few invocations on purpose: each one starts a Node process that loads every command.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/sling.js');

function sling(cwd: string, ...args: string[]): { code: number; out: string; err: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SLING_HOME: '', SLING_DATABASE_URL: '' } });
  return { code: result.status ?? -1, out: result.stdout, err: result.stderr };
}

test('sling init, data and runs commands work end to end', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-cli-'));
  try {
    const missing = sling(folder, 'data', 'ls');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /error \[no_workspace\].*sling init/);

    assert.equal(sling(folder, 'init', '.').code, 0);
    writeFileSync(join(folder, 'mail.tsv'), 'text\tlabel\nWin cash now\tspam\nHi mom\tham\nFree pills\tspam\nSee you at 5\tham\n');
    const imported = sling(folder, 'data', 'import', 'mail.tsv', '--name', 'mail', '--input-column', 'text', '--label-column', 'label', '--instruction', 'Classify as spam or ham:\\n{input}', '--test-fraction', '0.5');
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.out, /mail v1: 4 rows imported, 0 duplicates dropped/);
    const shown = sling(folder, 'data', 'show', 'mail', '--rows', '1').out;
    assert.match(shown, /\* v1\s+4 rows .* import mail\.tsv/);
    assert.match(shown, /"content":"Classify as spam or ham:\\nWin cash now"/);
    const stats = JSON.parse(sling(folder, 'data', 'stats', 'mail', '--json').out);
    assert.deepEqual(stats.labels, { spam: { train: 1, test: 1 }, ham: { train: 1, test: 1 } });
    assert.equal(sling(folder, 'data', 'export', 'mail', '-o', 'out.jsonl').code, 0);
    const lines = readFileSync(join(folder, 'out.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 4);
    assert.equal(lines.filter((line) => line.split === 'TEST').length, 2);

    writeFileSync(join(folder, 'bad.jsonl'), '{"messages":[{"role":"user","content":"x"}]}\n');
    const bad = sling(folder, 'data', 'import', 'bad.jsonl', '--name', 'bad');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /error \[invalid_row\]: bad\.jsonl, line 1, field "messages\[0\]\.role"/);

    assert.match(sling(folder, 'runs', 'enqueue', 'test.count', '--payload', '{"to": 2}').out, /job 1 queued/);
    assert.match(sling(folder, 'runs', 'cancel', '1').out, /job 1 cancelled/);
    assert.match(sling(folder, 'runs', 'cancel', '1').err, /error \[job_finished\]/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
