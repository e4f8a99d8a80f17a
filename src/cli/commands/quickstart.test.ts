/**
 * `sling quickstart` as a user runs it, on a small sample: offline it falls back to tiny-random and says so,
 * trains, prints the comparison, then serves the dashboard and the API with the fine-tuned model beside its base.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/sling.js');

test('sling quickstart offline: fallback notice, comparison table, then the dashboard and the fine-tuned model are served', { timeout: 300_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-quickstart-cli-'));
  const child = spawn(process.execPath, [bin, 'quickstart', '--offline', '--train-size', '16', '--test-size', '6', '--epochs', '1', '--body-chars', '60', '--port', '0'], {
    cwd: folder,
    env: { ...process.env, SLING_HOME: '', SLING_DATABASE_URL: '' },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    const url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no dashboard line\n${output}`)), 280_000);
      child.stdout.on('data', () => {
        const match = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
        if (match) {
          clearTimeout(timer);
          done(match[1]);
        }
      });
      child.on('exit', (code) => fail(new Error(`quickstart exited with ${code}\n${output}`)));
    });
    assert.match(output, /Falling back to tiny-random: a tiny freshly initialised model/);
    assert.match(output, /training: full fine-tune of tiny-random on \d+ e-mails \(1 epochs\)/);
    assert.match(output, /tiny-random-spam-full\s+local\s+\d\.\d{3} \[/);
    assert.match(output, /baseline:tfidf\s+baseline/);

    assert.match(await (await fetch(`${url}/`)).text(), /<title>Sling/);
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    assert.deepEqual(models.data.map((model) => model.id).sort(), ['tiny-random', 'tiny-random-spam-full']);
    const answer = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny-random-spam-full', messages: [{ role: 'user', content: 'Win money now' }], max_tokens: 3 }),
    });
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.equal(((await answer.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens > 0, true);
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => (child.exitCode !== null ? done(null) : child.once('exit', done)));
    rmSync(folder, { recursive: true, force: true });
  }
});
