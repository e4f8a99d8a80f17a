/**
 * @module engine/models/hub/hub-download
 * Downloads one file into the cache's blobs folder: appends to `blobs/{etag}.incomplete` with an HTTP Range
 * request when an earlier download was interrupted, checks the size, and checks the sha256 for files the
 * Hub stores in LFS (whose etag is that sha256), before moving the file into place.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SlingError } from '../../../core/errors.ts';
import { withDownloadLock } from './download-lock.ts';
import { hubFetch } from './hub-http.ts';

export interface DownloadProgress { file: string; downloaded: number; total: number }

export interface BlobDownload {
  url: string;
  blob: string;
  file: string;
  size: number;
  /** Expected sha256 (hex) of the content, for LFS files. */
  sha256?: string;
  token?: string;
  onProgress?: (progress: DownloadProgress) => void;
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export async function downloadBlob(download: BlobDownload): Promise<void> {
  if (existsSync(download.blob) && statSync(download.blob).size === download.size) return;
  mkdirSync(dirname(download.blob), { recursive: true });
  await withDownloadLock(download.blob, download.file, () => downloadUnlocked(download));
}

async function downloadUnlocked(download: BlobDownload): Promise<void> {
  const { url, blob, file, size } = download;
  const partial = `${blob}.incomplete`;
  let start = existsSync(partial) ? statSync(partial).size : 0;
  if (start > size) {
    rmSync(partial);
    start = 0;
  }
  if (start < size || size === 0) {
    // identity: byte ranges and the announced size refer to the stored bytes, not a compressed transfer.
    const response = await hubFetch(url, download.token, { 'Accept-Encoding': 'identity', ...(start > 0 ? { Range: `bytes=${start}-` } : {}) }, file);
    // A server that ignores Range answers 200 with the whole file: start over.
    if (start > 0 && response.status !== 206) start = 0;
    const output = createWriteStream(partial, { flags: start > 0 ? 'a' : 'w' });
    let downloaded = start;
    download.onProgress?.({ file, downloaded, total: size });
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      downloaded += chunk.length;
      download.onProgress?.({ file, downloaded, total: size });
    });
    try {
      await pipeline(body, output);
    } catch (error) {
      throw new SlingError('hub_download_interrupted', `download interrupted after ${downloaded} of ${size} bytes: ${error instanceof Error ? error.message : String(error)}`, { file, cause: error, hint: 'run the command again to resume where it stopped' });
    }
  }
  const received = statSync(partial).size;
  if (received !== size) {
    throw new SlingError('hub_download_incomplete', `downloaded ${received} bytes but the Hub announced ${size}`, { file, hint: 'run the command again to resume the download' });
  }
  if (download.sha256) {
    const actual = await sha256OfFile(partial);
    if (actual !== download.sha256) {
      rmSync(partial);
      throw new SlingError('hub_checksum_mismatch', `sha256 ${actual} does not match the Hub's ${download.sha256}`, { file, hint: 'the download was corrupted and has been deleted; run the command again' });
    }
  }
  renameSync(partial, blob);
}
