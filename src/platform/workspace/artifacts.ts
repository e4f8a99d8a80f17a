/**
 * @module platform/workspace/artifacts
 * Content-addressed files (model weights, adapters, exports): stored once under `sha256/ab/cdef...` by the hash
 * of their bytes, so the same file is never kept twice and a reference (`sha256:<hex>`) can never go stale.
 * Files are written to a temporary name and renamed, so a crash never leaves a half file under a real hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SlingError } from '../../core/errors.ts';

export interface ArtifactRef {
  sha256: string;
  size: number;
  /** Absolute path of the stored file. */
  path: string;
  /** `sha256:<hex>`, the form other records use to point at it. */
  uri: string;
}

const HEX = /^[0-9a-f]{64}$/;

export class ArtifactStore {
  constructor(readonly root: string) {}

  /** Where the artifact with this hash lives (whether or not it exists). Accepts `<hex>` or `sha256:<hex>`. */
  path(hash: string): string {
    const hex = hash.startsWith('sha256:') ? hash.slice('sha256:'.length) : hash;
    if (!HEX.test(hex)) {
      throw new SlingError('invalid_artifact', `"${hash}" is not a sha256 artifact reference`, {
        hint: 'expected 64 lowercase hex digits, optionally prefixed by sha256:',
      });
    }
    return join(this.root, 'sha256', hex.slice(0, 2), hex.slice(2));
  }

  has(hash: string): boolean {
    return existsSync(this.path(hash));
  }

  async put(data: Buffer | string): Promise<ArtifactRef> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (!this.has(sha256)) {
      const temporary = await this.temporaryPath();
      await writeFile(temporary, bytes);
      await this.moveIntoPlace(temporary, sha256);
    }
    return this.ref(sha256, bytes.length);
  }

  /** Stores a copy of a file, hashing it as a stream (model files can be gigabytes). */
  async putFile(sourcePath: string): Promise<ArtifactRef> {
    const hash = createHash('sha256');
    await pipeline(createReadStream(sourcePath), hash);
    const sha256 = hash.digest('hex');
    if (!this.has(sha256)) {
      const temporary = await this.temporaryPath();
      await copyFile(sourcePath, temporary);
      await this.moveIntoPlace(temporary, sha256);
    }
    return this.ref(sha256, (await stat(sourcePath)).size);
  }

  async get(hash: string): Promise<Buffer> {
    const path = this.path(hash);
    if (!existsSync(path)) {
      throw new SlingError('artifact_not_found', `artifact ${hash} is not in ${this.root}`);
    }
    return readFile(path);
  }

  private async temporaryPath(): Promise<string> {
    await mkdir(join(this.root, 'tmp'), { recursive: true });
    return join(this.root, 'tmp', `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  private async moveIntoPlace(temporary: string, sha256: string): Promise<void> {
    const target = this.path(sha256);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(temporary, target);
    } finally {
      await rm(temporary, { force: true });
    }
  }

  private ref(sha256: string, size: number): ArtifactRef {
    return { sha256, size, path: this.path(sha256), uri: `sha256:${sha256}` };
  }
}
