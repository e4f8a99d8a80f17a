/**
 * @module engine/models/hub/hub-cache
 * The Hugging Face cache layout, shared with huggingface_hub and transformers so a model pulled by either
 * is found by the other: `$HF_HUB_CACHE` (default `$HF_HOME/hub`, HF_HOME default ~/.cache/huggingface) /
 * `models--{org}--{name}/` with `blobs/{etag}` (file contents), `snapshots/{commit}/{path}` (relative
 * symlinks to the blobs) and `refs/{revision}` (a text file holding the commit hash).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export interface HubEnvironment {
  endpoint: string;
  cacheDir: string;
  token?: string;
  offline: boolean;
}

/** Reads HF_ENDPOINT, HF_HUB_CACHE / HF_HOME, HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) and HF_HUB_OFFLINE. */
export function hubEnvironment(environment: NodeJS.ProcessEnv = process.env): HubEnvironment {
  const home = environment.HF_HOME ?? join(environment.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huggingface');
  const offline = ['1', 'true', 'yes', 'on'].includes((environment.HF_HUB_OFFLINE ?? '').toLowerCase());
  return {
    endpoint: (environment.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
    cacheDir: environment.HF_HUB_CACHE ?? join(home, 'hub'),
    token: environment.HF_TOKEN ?? environment.HUGGING_FACE_HUB_TOKEN ?? undefined,
    offline,
  };
}

export function repoCacheFolder(cacheDir: string, repoId: string): string {
  return join(cacheDir, `models--${repoId.split('/').join('--')}`);
}

export function blobPath(repoFolder: string, etag: string): string {
  return join(repoFolder, 'blobs', etag);
}

export function snapshotFolder(repoFolder: string, commit: string): string {
  return join(repoFolder, 'snapshots', commit);
}

/** The commit a revision (branch, tag or commit hash) points to in the cache, if known. */
export function cachedCommit(repoFolder: string, revision: string): string | undefined {
  const ref = join(repoFolder, 'refs', revision);
  if (existsSync(ref)) return readFileSync(ref, 'utf8').trim();
  if (/^[0-9a-f]{40}$/.test(revision) && existsSync(snapshotFolder(repoFolder, revision))) return revision;
  return undefined;
}

export function writeRef(repoFolder: string, revision: string, commit: string): void {
  if (revision === commit) return;
  const ref = join(repoFolder, 'refs', revision);
  mkdirSync(dirname(ref), { recursive: true });
  writeFileSync(ref, commit);
}

/** Points snapshots/{commit}/{file} at the blob with a relative symlink (a copy where symlinks are not allowed). */
export function linkSnapshotFile(repoFolder: string, commit: string, file: string, etag: string): string {
  const target = join(snapshotFolder(repoFolder, commit), file);
  mkdirSync(dirname(target), { recursive: true });
  rmSync(target, { force: true });
  const blob = blobPath(repoFolder, etag);
  try {
    symlinkSync(relative(dirname(target), blob), target);
  } catch {
    copyFileSync(blob, target);
  }
  return target;
}
