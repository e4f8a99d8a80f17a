import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from './artifacts.ts';

test('artifacts are stored by sha256 under sha256/ab/cdef..., once', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-artifacts-'));
  try {
    const artifacts = new ArtifactStore(join(folder, 'artifacts'));
    const expected = createHash('sha256').update('hello').digest('hex');
    const ref = await artifacts.put('hello');
    assert.equal(ref.sha256, expected);
    assert.equal(ref.uri, `sha256:${expected}`);
    assert.equal(ref.path, join(folder, 'artifacts', 'sha256', expected.slice(0, 2), expected.slice(2)));
    assert.equal((await artifacts.get(ref.uri)).toString(), 'hello');
    assert.equal(artifacts.has(expected), true);

    writeFileSync(join(folder, 'source.bin'), 'hello');
    const fromFile = await artifacts.putFile(join(folder, 'source.bin'));
    assert.deepEqual(fromFile, ref);
    assert.deepEqual(readdirSync(join(folder, 'artifacts', 'sha256', expected.slice(0, 2))), [expected.slice(2)]);
    assert.deepEqual(readdirSync(join(folder, 'artifacts', 'tmp')), []);

    await assert.rejects(artifacts.get('0'.repeat(64)), { code: 'artifact_not_found' });
    assert.throws(() => artifacts.path('../etc/passwd'), { code: 'invalid_artifact' });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
