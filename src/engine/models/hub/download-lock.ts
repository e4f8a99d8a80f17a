/**
 * @module engine/models/hub/download-lock
 * One download per blob at a time: `{blob}.lock` holds the downloading process id. A lock whose process is
 * gone (a crash, a kill) is stale and taken over, so an interrupted pull never blocks the next one.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SlingError } from '../../../core/errors.ts';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withDownloadLock<T>(blob: string, file: string, work: () => Promise<T>): Promise<T> {
  const lock = `${blob}.lock`;
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(lock, 'utf8'));
    if (owner !== process.pid && Number.isInteger(owner) && owner > 0 && processAlive(owner)) {
      throw new SlingError('hub_download_busy', `process ${owner} is already downloading this file`, { file, hint: `wait for it to finish, or delete ${lock} if no download is running` });
    }
    writeFileSync(lock, String(process.pid));
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}
