/**
 * `sling eval` and `sling compare` end to end, as a user runs them: a fresh workspace, FPB imported with
 * `sling data import`, three models (two baselines and an openai: endpoint served on loopback by a real
 * TF-IDF model), a custom grader file, a criterion and head-to-head judging; then the HTML report.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFinancialPhrasebank } from '../../platform/eval/datasets/financial-phrasebank.ts';
import { sharedDataPath } from '../../platform/eval/datasets/shared-data.ts';
import { trainTfidfClassifier } from '../../platform/eval/baselines/tfidf-classifier.ts';
import { startOpenAiTestServer, type OpenAiTestServer } from '../../platform/eval/testing/openai-test-server.ts';

const fpb = sharedDataPath('financial_phrasebank', 'sentences_allagree.jsonl');
const skip = fpb ? false : 'shared data folder ../shared/data absent';
const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/sling.js');
const dir = mkdtempSync(join(tmpdir(), 'sling-eval-cli-'));
const workspace = join(dir, 'workspace');
let server: OpenAiTestServer;

/** Runs the CLI without blocking this process, whose loopback server must keep answering the child's requests. */
function sling(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, SLING_HOME: workspace } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

before(async () => {
  if (skip) return;
  const rows = readFinancialPhrasebank(fpb!);
  writeFileSync(join(dir, 'fpb.jsonl'), rows.map((row) => JSON.stringify({ messages: row.messages, split: row.split, label: row.label })).join('\n') + '\n');
  writeFileSync(join(dir, 'one-word.ts'), 'export default (_row: unknown, output: string): number => (output.trim().split(/\\s+/).length === 1 ? 1 : 0);\n');
  server = await startOpenAiTestServer([trainTfidfClassifier(rows.filter((row) => row.split === 'train'), { name: 'served' })]);
});
after(async () => server?.close());

test('sling eval stores an evaluation and sling compare writes the report', { skip }, async () => {
  const init = spawnSync(process.execPath, [bin, 'init', workspace], { encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  const imported = await sling('data', 'import', join(dir, 'fpb.jsonl'), '--name', 'fpb');
  assert.equal(imported.status, 0, imported.stderr);
  // The CLI runs in a child process; the loopback server in this process answers it over real HTTP.
  const evaluated = await sling(
    'eval', '--dataset', 'fpb', '--models', `baseline:tfidf,baseline:majority,openai:served@${server.baseUrl}`,
    '--limit', '60', '--grader', join(dir, 'one-word.ts'), '--judge', 'baseline:rouge-judge', '--head-to-head',
    '--criterion', 'neutral="neutral"', '--price', 'served=0.15/0.6', '--seed', '5',
  );
  assert.equal(evaluated.status, 0, evaluated.stderr);
  console.log(evaluated.stdout);
  assert.match(evaluated.stdout, /model\s+kind\s+accuracy\s+macro_f1\s+exact_match\s+one-word\s+neutral\s+cost/);
  assert.match(evaluated.stdout, /served\s+remote\s+0\.\d{3} \[/);
  assert.match(evaluated.stdout, /Saved as evaluation 1\./);
  assert.match(evaluated.stdout, /Head-to-head, judged by baseline:rouge-judge/);
  const compared = await sling('compare', '1', '--out', join(dir, 'report.html'));
  assert.equal(compared.status, 0, compared.stderr);
  assert.ok(existsSync(join(dir, 'report.html')));
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, /Confusion matrices/);
  assert.match(html, /Head-to-head win rates/);
  // The same kind of evaluation queued as a job and run by `sling worker --once`.
  const queued = await sling('eval', '--dataset', 'fpb', '--models', 'baseline:majority', '--sample', '30', '--background');
  assert.equal(queued.status, 0, queued.stderr);
  assert.match(queued.stdout, /Queued evaluation job \d+/);
  const worked = await sling('worker', '--once', '--kinds', 'eval');
  assert.equal(worked.status, 0, worked.stderr);
  const second = await sling('compare', '2', '--no-html');
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /baseline:majority\s+baseline\s+0\.\d{3} \[/);
  const missing = await sling('compare', '99');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /evaluation_not_found/);
  const badSpec = await sling('eval', '--dataset', 'fpb', '--models', 'no-such-model');
  assert.equal(badSpec.status, 1);
  assert.match(badSpec.stderr, /model_not_found.*no model named "no-such-model"/);
});
