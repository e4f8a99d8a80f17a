import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const stories = join(root, '../shared/data/stories260K/stories260K.bin');

function sling(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin/sling.js'), ...args], { encoding: 'utf8', env: { ...process.env, SLING_QUIET_BACKEND: '1' } });
}

test('sling generate --json on stories260K prints the greedy story with token ids and timing', { skip: existsSync(stories) ? false : 'stories260K absent' }, () => {
  const run = sling('generate', '--model', stories, '--max-tokens', '20', '--json');
  assert.equal(run.status, 0, run.stderr);
  const output = JSON.parse(run.stdout.trim().split('\n').pop()!);
  assert.ok(output.text.startsWith('Once upon a time, there was a little girl named Lily.'), output.text);
  assert.equal(output.tokenIds.length, 20);
  assert.ok(output.decodeTokensPerSecond > 0);
});

test('sling generate streams constrained JSON from tiny-random, and bad input is a clear error', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-generate-'));
  try {
    const schemaFile = join(folder, 'schema.json');
    writeFileSync(schemaFile, JSON.stringify({ type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] }));
    const run = sling('generate', '--model', 'tiny-random', '--chat', '--prompt', 'Answer', '--json-schema', schemaFile, '--temperature', '1', '--max-tokens', '30');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(typeof JSON.parse(run.stdout.trim()).ok, 'boolean');
    const bad = sling('generate', '--model', 'tiny-random', '--temperature', 'hot');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--temperature needs a number/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
