/**
 * @module platform/eval/persist/stored-rows
 * Reads a dataset version's rows from the store as evaluation rows, each with its stable id (the row's
 * content hash), which is how stored evaluation outputs refer back to dataset rows.
 */
import { SlingError } from '../../../core/errors.ts';
import { resolveVersion } from '../../data/resolve.ts';
import type { Split } from '../../store/records.ts';
import type { Store } from '../../store/store.ts';
import type { EvalRow } from '../eval-row.ts';

export interface IdentifiedRows {
  datasetName: string;
  versionId: number;
  version: number;
  rows: EvalRow[];
  rowIds: string[];
}

export async function loadDatasetRows(store: Store, reference: string, split: Split, limit?: number): Promise<IdentifiedRows> {
  const { dataset, version } = await resolveVersion(store, reference);
  const rows: EvalRow[] = [];
  const rowIds: string[] = [];
  for await (const stored of store.datasets.iterateRows(version.id, { split })) {
    if (limit !== undefined && rows.length >= limit) break;
    rows.push({ messages: stored.messages, split, label: stored.label ?? undefined, metadata: stored.metadata });
    rowIds.push(stored.contentHash);
  }
  if (rows.length === 0 && split === 'test') {
    throw new SlingError('eval_no_test_rows', `dataset ${dataset.name}@${version.version} has no test rows`, {
      hint: `re-split it with a test share, e.g. \`sling data split ${dataset.name} --test 0.2\``,
    });
  }
  return { datasetName: dataset.name, versionId: version.id, version: version.version, rows, rowIds };
}
