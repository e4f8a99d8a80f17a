/**
 * @module platform/data/import
 * Imports rows into a new dataset version, in one transaction: if anything fails (a bad row without
 * --skip-invalid, a crash, an empty result) the store is left exactly as it was. Rows are streamed from the source
 * and inserted in batches, so memory does not grow with the file. Importing into an existing dataset makes a new
 * version holding the old rows plus the new ones (duplicates dropped).
 */
import { SlingError } from '../../core/errors.ts';
import type { NewRow } from '../store/dataset-repository.ts';
import type { Dataset, DatasetVersion } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { characterCount, contentHash, parseCanonicalRow, withSystemPrompt } from './row.ts';
import type { RowSource, SourceItem } from './source.ts';
import { assignMissingSplits, type SplitOptions } from './split.ts';

export interface ImportProgress {
  /** Source records read so far (valid or not). */
  records: number;
  bytesRead: number;
}

export interface ImportOptions extends SplitOptions {
  /** Dataset to create or add a version to. */
  name: string;
  /** Names the source in the version's change text ("import spam.csv"). */
  sourceName: string;
  /** System prompt put in front of rows that have none. */
  system?: string;
  /** Count invalid rows and go on, instead of failing the whole import on the first. */
  skipInvalid?: boolean;
  description?: string;
  batchSize?: number;
  onProgress?(progress: ImportProgress): void;
}

export interface ImportReport {
  dataset: Dataset;
  version: DatasetVersion;
  /** Valid rows read from the source. */
  valid: number;
  /** Of those, rows that were new (not a duplicate of a row already in the version). */
  imported: number;
  duplicates: number;
  invalid: number;
  /** The first few invalid-row errors (all of them name file, line and field). */
  errors: SlingError[];
}

const KEPT_ERRORS = 20;

export async function importRows(store: Store, source: RowSource, options: ImportOptions): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 500;
  return store.transaction(async (tx) => {
    const dataset = (await tx.datasets.getDataset(options.name)) ?? (await tx.datasets.createDataset(options.name, options.description ?? null));
    const parent = await tx.datasets.getVersion(dataset.id);
    const version = await tx.datasets.createVersion(dataset.id, parent?.id ?? null, `import ${options.sourceName}`);
    if (parent) await tx.datasets.copyRows(parent.id, version.id);
    let position = await tx.datasets.maxPosition(version.id);
    let valid = 0;
    let imported = 0;
    let records = 0;
    let bytesRead = 0;
    const errors: SlingError[] = [];
    let invalid = 0;
    let batch: NewRow[] = [];
    const flush = async () => {
      imported += await tx.datasets.insertRows(version.id, batch);
      batch = [];
    };
    for await (const item of source) {
      records += 1;
      bytesRead = item.bytesRead;
      if (item.error) {
        if (!options.skipInvalid) throw item.error;
        invalid += 1;
        if (errors.length < KEPT_ERRORS) errors.push(item.error);
        continue;
      }
      valid += 1;
      const row = withSystemPrompt(item.row, options.system);
      batch.push({
        position: ++position,
        contentHash: contentHash(row.messages),
        split: row.split ?? null,
        splitFixed: row.split !== undefined,
        label: row.label ?? null,
        metadata: row.metadata,
        messages: row.messages,
        charCount: characterCount(row.messages),
      });
      if (batch.length >= batchSize) {
        await flush();
        options.onProgress?.({ records, bytesRead: item.bytesRead });
      }
    }
    await flush();
    options.onProgress?.({ records, bytesRead });
    if (imported === 0) {
      throw new SlingError('empty_import', `${options.sourceName}: no new rows to import (${valid} valid, ${invalid} invalid)`, {
        file: options.sourceName,
        hint: valid > 0 ? 'every row is already in the dataset' : 'check the --format and column options',
      });
    }
    await assignMissingSplits(tx, version.id, options);
    const finished = await tx.datasets.finishVersion(version.id);
    return { dataset, version: finished, valid, imported, duplicates: valid - imported, invalid, errors };
  });
}

/** The programmatic import source: rows given in code, validated like file rows (line = 1-based index). */
export async function* arraySource(rows: Iterable<unknown>, sourceName = '<rows>'): AsyncGenerator<SourceItem> {
  let line = 0;
  for (const value of rows) {
    line += 1;
    try {
      yield { line, bytesRead: 0, row: parseCanonicalRow(value, { file: sourceName, line }) };
    } catch (error) {
      if (!SlingError.isInstance(error)) throw error;
      yield { line, bytesRead: 0, error };
    }
  }
}
