/**
 * @module engine/models/hub/resolve-model
 * `resolveModel(pathOrHubId)`: an existing file or folder is returned as-is; a Hub id (ORG/NAME[@REVISION])
 * is taken from the cache or downloaded into it, and its snapshot folder returned.
 */
import { existsSync } from 'node:fs';
import { SlingError } from '../../../core/errors.ts';
import { parseHubId, pullModel, type PullOptions } from './hub-pull.ts';

export async function resolveModel(pathOrHubId: string, options: PullOptions = {}): Promise<string> {
  if (existsSync(pathOrHubId)) return pathOrHubId;
  if (!parseHubId(pathOrHubId) || pathOrHubId.startsWith('.') || pathOrHubId.startsWith('/')) {
    throw new SlingError('model_not_found', 'no such file or folder, and not a Hub id (ORG/NAME[@REVISION])', { file: pathOrHubId });
  }
  return pullModel(pathOrHubId, options);
}
