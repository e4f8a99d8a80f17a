/**
 * @module platform/data/resolve
 * Turns "spam" or "spam@3" (dataset name, optional version) into the dataset and version records.
 */
import { SlingError } from '../../core/errors.ts';
import type { Dataset, DatasetVersion } from '../store/records.ts';
import type { Store } from '../store/store.ts';

export interface ResolvedVersion {
  dataset: Dataset;
  version: DatasetVersion;
}

/** `reference` is NAME or NAME@VERSION; an explicit `version` argument wins over the @ suffix. */
export async function resolveVersion(store: Store, reference: string, version?: number): Promise<ResolvedVersion> {
  const at = reference.lastIndexOf('@');
  const name = at > 0 ? reference.slice(0, at) : reference;
  const wanted = version ?? (at > 0 ? Number(reference.slice(at + 1)) : undefined);
  if (wanted !== undefined && !(Number.isInteger(wanted) && wanted > 0)) {
    throw new SlingError('invalid_version', `"${reference}": a version is a positive whole number`, { hint: 'e.g. spam@2' });
  }
  const dataset = await store.datasets.getDataset(name);
  if (!dataset) {
    throw new SlingError('dataset_not_found', `no dataset named "${name}"`, { hint: 'list datasets with `sling data ls`' });
  }
  const found = await store.datasets.getVersion(dataset.id, wanted);
  if (!found) {
    throw new SlingError('dataset_not_found', `dataset "${name}" has no version ${wanted ?? '(none yet)'}`, {
      hint: `see its versions with \`sling data show ${name}\``,
    });
  }
  return { dataset, version: found };
}
