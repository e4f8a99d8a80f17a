/**
 * @module platform/store/dataset-repository
 * Datasets, their versions and rows. A version is written once (inside the transaction that creates it) and never
 * changed afterwards, except for cached token counts; every edit makes a new version with a parent.
 */
import { SlingError } from '../../core/errors.ts';
import { parseJson, valueGroups } from './columns.ts';
import type { ChatMessage, Dataset, DatasetSummary, DatasetVersion, JsonObject, Split, StoredRow } from './records.ts';
import type { SqlRunner, SqlValue } from './sql-driver.ts';

/** A row to insert; `split` null means "assign later" (see data/split.ts). */
export type NewRow = Omit<StoredRow, 'tokenCount'> & { tokenCount?: number | null };

export interface RowPage {
  split?: Split;
  /** Return rows with position greater than this (keyset paging). */
  afterPosition?: number;
  limit?: number;
}

const ROW_COLUMNS =
  'position, content_hash, split, split_fixed, label, metadata, messages, char_count, token_count';

function toDataset(row: Record<string, unknown>): Dataset {
  return {
    id: Number(row.id),
    name: String(row.name),
    description: (row.description as string | null) ?? null,
    createdAt: Number(row.created_at),
  };
}

function toVersion(row: Record<string, unknown>): DatasetVersion {
  return {
    id: Number(row.id),
    datasetId: Number(row.dataset_id),
    version: Number(row.version),
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    change: String(row.change),
    rowCount: Number(row.row_count),
    createdAt: Number(row.created_at),
  };
}

function toRow(row: Record<string, unknown>): StoredRow {
  return {
    position: Number(row.position),
    contentHash: String(row.content_hash),
    split: (row.split as Split | null) ?? null,
    splitFixed: Number(row.split_fixed) === 1,
    label: (row.label as string | null) ?? null,
    metadata: parseJson<JsonObject>(row.metadata),
    messages: parseJson<ChatMessage[]>(row.messages),
    charCount: Number(row.char_count),
    tokenCount: row.token_count === null ? null : Number(row.token_count),
  };
}

export class DatasetRepository {
  constructor(private readonly sql: SqlRunner) {}

  async createDataset(name: string, description: string | null = null): Promise<Dataset> {
    if (await this.getDataset(name)) {
      throw new SlingError('dataset_exists', `a dataset named "${name}" already exists`, {
        hint: 'pick another --name, or import into it to make a new version',
      });
    }
    const [row] = await this.sql.query(
      'INSERT INTO datasets (name, description, created_at) VALUES (?, ?, ?) RETURNING *',
      [name, description, Date.now()],
    );
    return toDataset(row);
  }

  async getDataset(name: string): Promise<Dataset | null> {
    const [row] = await this.sql.query('SELECT * FROM datasets WHERE name = ?', [name]);
    return row ? toDataset(row) : null;
  }

  async listDatasets(): Promise<DatasetSummary[]> {
    const rows = await this.sql.query(
      `SELECT d.*, v.version AS latest_version, v.row_count AS latest_rows FROM datasets d
       LEFT JOIN dataset_versions v ON v.dataset_id = d.id
        AND v.version = (SELECT MAX(version) FROM dataset_versions WHERE dataset_id = d.id)
       ORDER BY d.name`,
    );
    return rows.map((row) => ({
      ...toDataset(row),
      latestVersion: Number(row.latest_version ?? 0),
      rowCount: Number(row.latest_rows ?? 0),
    }));
  }

  /** Starts a new version numbered one past the dataset's latest. Call inside a transaction with its rows. */
  async createVersion(datasetId: number, parentId: number | null, change: string): Promise<DatasetVersion> {
    const [row] = await this.sql.query(
      `INSERT INTO dataset_versions (dataset_id, version, parent_id, change, row_count, created_at)
       VALUES (?, (SELECT COALESCE(MAX(version), 0) + 1 FROM dataset_versions WHERE dataset_id = ?), ?, ?, 0, ?)
       RETURNING *`,
      [datasetId, datasetId, parentId, change, Date.now()],
    );
    return toVersion(row);
  }

  /** The given version of a dataset, or its latest when `version` is omitted. */
  async getVersion(datasetId: number, version?: number): Promise<DatasetVersion | null> {
    const [row] =
      version === undefined
        ? await this.sql.query('SELECT * FROM dataset_versions WHERE dataset_id = ? ORDER BY version DESC LIMIT 1', [
            datasetId,
          ])
        : await this.sql.query('SELECT * FROM dataset_versions WHERE dataset_id = ? AND version = ?', [
            datasetId,
            version,
          ]);
    return row ? toVersion(row) : null;
  }

  async getVersionById(id: number): Promise<DatasetVersion | null> {
    const [row] = await this.sql.query('SELECT * FROM dataset_versions WHERE id = ?', [id]);
    return row ? toVersion(row) : null;
  }

  async listVersions(datasetId: number): Promise<DatasetVersion[]> {
    const rows = await this.sql.query('SELECT * FROM dataset_versions WHERE dataset_id = ? ORDER BY version', [
      datasetId,
    ]);
    return rows.map(toVersion);
  }

  /** Inserts rows; a row whose content hash is already in the version is skipped. Returns how many were new. */
  async insertRows(versionId: number, rows: NewRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const params: SqlValue[] = [];
    for (const row of rows) {
      params.push(
        versionId,
        row.position,
        row.contentHash,
        row.split,
        row.splitFixed ? 1 : 0,
        row.label,
        JSON.stringify(row.metadata),
        JSON.stringify(row.messages),
        row.charCount,
        row.tokenCount ?? null,
      );
    }
    return this.sql.run(
      `INSERT INTO dataset_rows (version_id, ${ROW_COLUMNS}) VALUES ${valueGroups(rows.length, 10)}
       ON CONFLICT (version_id, content_hash) DO NOTHING`,
      params,
    );
  }

  /** Copies every row of one version into another (same positions). */
  async copyRows(fromVersionId: number, toVersionId: number): Promise<number> {
    return this.sql.run(
      `INSERT INTO dataset_rows (version_id, ${ROW_COLUMNS})
       SELECT ?, ${ROW_COLUMNS} FROM dataset_rows WHERE version_id = ?`,
      [toVersionId, fromVersionId],
    );
  }

  /** Records the final row count of a version that has just been written; returns it. */
  async finishVersion(versionId: number): Promise<DatasetVersion> {
    await this.sql.run(
      'UPDATE dataset_versions SET row_count = (SELECT COUNT(*) FROM dataset_rows WHERE version_id = ?) WHERE id = ?',
      [versionId, versionId],
    );
    return (await this.getVersionById(versionId))!;
  }

  async maxPosition(versionId: number): Promise<number> {
    const [row] = await this.sql.query<{ max: number | null }>(
      'SELECT MAX(position) AS max FROM dataset_rows WHERE version_id = ?',
      [versionId],
    );
    return Number(row?.max ?? 0);
  }

  async readRows(versionId: number, page: RowPage = {}): Promise<StoredRow[]> {
    const params: SqlValue[] = [versionId, page.afterPosition ?? -1];
    let where = 'version_id = ? AND position > ?';
    if (page.split) {
      where += ' AND split = ?';
      params.push(page.split);
    }
    params.push(page.limit ?? 1000);
    const rows = await this.sql.query(
      `SELECT ${ROW_COLUMNS} FROM dataset_rows WHERE ${where} ORDER BY position LIMIT ?`,
      params,
    );
    return rows.map(toRow);
  }

  /** Streams a version's rows in position order, `batchSize` at a time, so memory stays bounded. */
  async *iterateRows(versionId: number, options: { split?: Split; batchSize?: number } = {}): AsyncGenerator<StoredRow> {
    let afterPosition = -1;
    for (;;) {
      const rows = await this.readRows(versionId, { split: options.split, afterPosition, limit: options.batchSize ?? 1000 });
      if (rows.length === 0) return;
      yield* rows;
      afterPosition = rows[rows.length - 1].position;
    }
  }

  async getRowByHash(versionId: number, contentHash: string): Promise<StoredRow | null> {
    const [row] = await this.sql.query(
      `SELECT ${ROW_COLUMNS} FROM dataset_rows WHERE version_id = ? AND content_hash = ?`,
      [versionId, contentHash],
    );
    return row ? toRow(row) : null;
  }

  /** What a split needs to know about each row, without messages (small even for 100k rows). */
  async splitKeys(
    versionId: number,
    options: { unassignedOnly?: boolean } = {},
  ): Promise<{ position: number; contentHash: string; label: string | null; splitFixed: boolean }[]> {
    const rows = await this.sql.query(
      `SELECT position, content_hash, label, split_fixed FROM dataset_rows WHERE version_id = ?
       ${options.unassignedOnly ? 'AND split IS NULL' : ''} ORDER BY position`,
      [versionId],
    );
    return rows.map((row) => ({
      position: Number(row.position),
      contentHash: String(row.content_hash),
      label: (row.label as string | null) ?? null,
      splitFixed: Number(row.split_fixed) === 1,
    }));
  }

  /** Sets the split of the given positions (only while the version is being written). */
  async setSplits(versionId: number, positions: number[], split: Split): Promise<void> {
    for (let start = 0; start < positions.length; start += 500) {
      const chunk = positions.slice(start, start + 500);
      await this.sql.run(
        `UPDATE dataset_rows SET split = ? WHERE version_id = ? AND position IN (${chunk.map(() => '?').join(', ')})`,
        [split, versionId, ...chunk],
      );
    }
  }

  /** Forgets the split of every row whose split did not come with the source (before re-splitting). */
  async clearUnfixedSplits(versionId: number): Promise<void> {
    await this.sql.run('UPDATE dataset_rows SET split = NULL WHERE version_id = ? AND split_fixed = 0', [versionId]);
  }

  /** Sets every not-yet-assigned row of a version to `split`. */
  async fillMissingSplits(versionId: number, split: Split): Promise<void> {
    await this.sql.run('UPDATE dataset_rows SET split = ? WHERE version_id = ? AND split IS NULL', [split, versionId]);
  }

  /** Caches token counts (derived data: the rows' content never changes). */
  async setTokenCounts(versionId: number, counts: { position: number; tokenCount: number }[]): Promise<void> {
    for (const { position, tokenCount } of counts) {
      await this.sql.run('UPDATE dataset_rows SET token_count = ? WHERE version_id = ? AND position = ?', [
        tokenCount,
        versionId,
        position,
      ]);
    }
  }
}
