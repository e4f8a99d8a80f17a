/**
 * @module engine/models/hub/hub-pull
 * `pullModel("org/name@revision")`: lists the repository at a revision through the Hub API, downloads only
 * what Sling needs to load the model (configs, tokenizer files, safetensors weights) into the Hugging Face
 * cache, and returns the snapshot folder. Offline (HF_HUB_OFFLINE=1 or `offline: true`) it only looks in
 * the cache.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlingError } from '../../../core/errors.ts';
import { cachedCommit, hubEnvironment, linkSnapshotFile, repoCacheFolder, snapshotFolder, writeRef, blobPath, type HubEnvironment } from './hub-cache.ts';
import { downloadBlob, type DownloadProgress } from './hub-download.ts';
import { hubFetch } from './hub-http.ts';

export interface PullOptions {
  offline?: boolean;
  /** Overrides for HF_ENDPOINT / HF_HUB_CACHE / HF_TOKEN (defaults from the environment). */
  environment?: Partial<HubEnvironment>;
  onProgress?: (progress: DownloadProgress) => void;
  /** Called once per file with its size before downloading it (0 bytes to fetch when already cached). */
  onFile?: (file: string, size: number, cached: boolean) => void;
  onNotice?: (message: string) => void;
}

export interface HubModelId { repoId: string; revision: string }

const supportFiles = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];
const hubIdPattern = /^([A-Za-z0-9][\w.-]*\/[\w.-]+)(?:@([\w./-]+))?$/;

export function parseHubId(spec: string): HubModelId | undefined {
  const match = hubIdPattern.exec(spec);
  return match ? { repoId: match[1], revision: match[2] ?? 'main' } : undefined;
}

interface Sibling { rfilename: string; size?: number; lfs?: { sha256?: string; oid?: string; size?: number } }

export async function pullModel(spec: string, options: PullOptions = {}): Promise<string> {
  const id = parseHubId(spec);
  if (!id) throw new SlingError('hub_invalid_id', `"${spec}" is not a Hub model id`, { hint: 'use ORG/NAME or ORG/NAME@REVISION' });
  const environment = { ...hubEnvironment(), ...options.environment };
  const offline = options.offline ?? environment.offline;
  const repoFolder = repoCacheFolder(environment.cacheDir, id.repoId);
  if (offline) return cachedSnapshot(repoFolder, id, 'offline mode is on');
  const apiUrl = `${environment.endpoint}/api/models/${id.repoId}/revision/${encodeURIComponent(id.revision)}?blobs=true`;
  let listing: { sha?: string; siblings?: Sibling[] };
  try {
    listing = (await (await hubFetch(apiUrl, environment.token, {}, `${id.repoId}@${id.revision}`)).json()) as typeof listing;
  } catch (error) {
    const commit = cachedCommit(repoFolder, id.revision);
    if (SlingError.isInstance(error) && error.code === 'hub_unreachable' && commit) {
      options.onNotice?.(`the Hub is unreachable; using the cached snapshot ${commit}`);
      return cachedSnapshot(repoFolder, id, 'the Hub is unreachable');
    }
    throw error;
  }
  const commit = listing.sha;
  const siblings = new Map((listing.siblings ?? []).map((sibling) => [sibling.rfilename, sibling]));
  if (!commit) throw new SlingError('hub_http_error', 'the Hub API answer has no commit sha', { file: apiUrl });
  const fetchFile = async (file: string) => {
    const resolveUrl = `${environment.endpoint}/${id.repoId}/resolve/${commit}/${file.split('/').map(encodeURIComponent).join('/')}`;
    const head = await hubFetch(resolveUrl, environment.token, { 'Accept-Encoding': 'identity' }, file, 'HEAD', 'manual');
    const etag = (head.headers.get('x-linked-etag') ?? head.headers.get('etag') ?? '').replace(/^W\//, '').replaceAll('"', '');
    const size = Number(head.headers.get('x-linked-size') ?? head.headers.get('content-length') ?? siblings.get(file)?.size ?? NaN);
    if (!etag || !Number.isFinite(size)) throw new SlingError('hub_http_error', 'the Hub gave no ETag or size for the file', { file: resolveUrl });
    const lfsSha = siblings.get(file)?.lfs?.sha256 ?? siblings.get(file)?.lfs?.oid;
    const sha256 = lfsSha ?? (/^[0-9a-f]{64}$/.test(etag) ? etag : undefined);
    const blob = blobPath(repoFolder, etag);
    options.onFile?.(file, size, existsSync(blob));
    await downloadBlob({ url: resolveUrl, blob, file, size, sha256, token: environment.token, onProgress: options.onProgress });
    return linkSnapshotFile(repoFolder, commit, file, etag);
  };
  for (const file of supportFiles) if (siblings.has(file)) await fetchFile(file);
  for (const file of await weightFileNames(siblings, fetchFile, id.repoId)) await fetchFile(file);
  writeRef(repoFolder, id.revision, commit);
  return snapshotFolder(repoFolder, commit);
}

async function weightFileNames(siblings: Map<string, Sibling>, fetchFile: (file: string) => Promise<string>, repoId: string): Promise<string[]> {
  if (siblings.has('model.safetensors.index.json')) {
    const index = JSON.parse(readFileSync(await fetchFile('model.safetensors.index.json'), 'utf8')) as { weight_map?: Record<string, string> };
    return [...new Set(Object.values(index.weight_map ?? {}))].sort();
  }
  if (siblings.has('model.safetensors')) return ['model.safetensors'];
  throw new SlingError('hub_no_weights', `${repoId} has no model.safetensors or model.safetensors.index.json`, { hint: 'Sling loads safetensors weights; repositories with only .bin or .gguf files are not supported by pull' });
}

function cachedSnapshot(repoFolder: string, id: HubModelId, reason: string): string {
  const commit = cachedCommit(repoFolder, id.revision);
  const folder = commit ? snapshotFolder(repoFolder, commit) : undefined;
  if (!folder || !existsSync(join(folder, 'config.json'))) {
    throw new SlingError('hub_not_cached', `${id.repoId}@${id.revision} is not in the local cache and ${reason}`, { file: repoFolder, hint: 'run `sling pull` with network access first, or unset HF_HUB_OFFLINE' });
  }
  return folder;
}
