import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDownloadLock } from './download-lock.ts';

test('a blob is downloaded by one process at a time; stale locks are taken over', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-lock-'));
  try {
    const blob = join(folder, 'abc');
    assert.equal(await withDownloadLock(blob, 'f', async () => existsSync(`${blob}.lock`)), true);
    assert.equal(existsSync(`${blob}.lock`), false, 'released afterwards');
    // PID 1 (init) is alive and is not us: the lock is held.
    writeFileSync(`${blob}.lock`, '1');
    await assert.rejects(withDownloadLock(blob, 'model.safetensors', async () => 0), (error: Error & { code?: string }) => error.code === 'hub_download_busy' && /model\.safetensors/.test(error.message));
    // A process id that does not exist: the lock is stale.
    writeFileSync(`${blob}.lock`, '2147483646');
    assert.equal(await withDownloadLock(blob, 'f', async () => 'done'), 'done');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
