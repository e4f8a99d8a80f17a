/**
 * @module platform/store/model-repository
 * Registered models: local base models, trained adapters and remote OpenAI-compatible endpoints, by unique name.
 */
import { SlingError } from '../../core/errors.ts';
import { parseJson } from './columns.ts';
import type { JsonObject, ModelKind, ModelRecord } from './records.ts';
import type { SqlRunner } from './sql-driver.ts';

export interface NewModel {
  name: string;
  kind: ModelKind;
  /** A file path or artifact (`sha256:...`) for base/adapter, a base URL for remote. */
  uri: string;
  config?: JsonObject;
}

const KINDS: ModelKind[] = ['base', 'adapter', 'remote'];

function toModel(row: Record<string, unknown>): ModelRecord {
  return {
    id: Number(row.id),
    name: String(row.name),
    kind: row.kind as ModelKind,
    uri: String(row.uri),
    config: parseJson<JsonObject>(row.config),
    createdAt: Number(row.created_at),
  };
}

export class ModelRepository {
  constructor(private readonly sql: SqlRunner) {}

  /** Registers a model; a name that is taken is an error (models are referenced by name in evaluations). */
  async register(model: NewModel): Promise<ModelRecord> {
    if (!KINDS.includes(model.kind)) {
      throw new SlingError('invalid_model', `model kind must be one of ${KINDS.join(', ')}, got "${model.kind}"`, {
        field: 'kind',
      });
    }
    if (await this.get(model.name)) {
      throw new SlingError('model_exists', `a model named "${model.name}" is already registered`);
    }
    const [row] = await this.sql.query(
      'INSERT INTO models (name, kind, uri, config, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *',
      [model.name, model.kind, model.uri, JSON.stringify(model.config ?? {}), Date.now()],
    );
    return toModel(row);
  }

  async get(name: string): Promise<ModelRecord | null> {
    const [row] = await this.sql.query('SELECT * FROM models WHERE name = ?', [name]);
    return row ? toModel(row) : null;
  }

  async list(kind?: ModelKind): Promise<ModelRecord[]> {
    const rows = kind
      ? await this.sql.query('SELECT * FROM models WHERE kind = ? ORDER BY name', [kind])
      : await this.sql.query('SELECT * FROM models ORDER BY name');
    return rows.map(toModel);
  }

  async remove(name: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM models WHERE name = ?', [name])) === 1;
  }
}
