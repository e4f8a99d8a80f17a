/**
 * @module platform/store/serving-repository
 * What the OpenAI-compatible server keeps: API keys (only a hash of each key is stored) and one log row per request,
 * which later becomes training data.
 */
import { jsonOrNull, numberOrNull, parseJson, parseJsonOrNull } from './columns.ts';
import type { ApiKey, JsonObject, RequestLog } from './records.ts';
import type { SqlRunner, SqlValue } from './sql-driver.ts';

export type NewRequestLog = Omit<RequestLog, 'id' | 'time' | 'tags'> & { time?: number; tags?: JsonObject };

function toApiKey(row: Record<string, unknown>): ApiKey {
  return {
    id: Number(row.id),
    name: String(row.name),
    prefix: String(row.prefix),
    keyHash: String(row.key_hash),
    createdAt: Number(row.created_at),
    lastUsedAt: numberOrNull(row.last_used_at),
    revokedAt: numberOrNull(row.revoked_at),
  };
}

function toRequestLog(row: Record<string, unknown>): RequestLog {
  return {
    id: Number(row.id),
    time: Number(row.time),
    apiKeyId: numberOrNull(row.api_key_id),
    endpoint: String(row.endpoint),
    model: (row.model as string | null) ?? null,
    status: Number(row.status),
    latencyMs: numberOrNull(row.latency_ms),
    promptTokens: numberOrNull(row.prompt_tokens),
    completionTokens: numberOrNull(row.completion_tokens),
    request: parseJson<JsonObject>(row.request),
    response: parseJsonOrNull<JsonObject>(row.response),
    error: (row.error as string | null) ?? null,
    tags: parseJson<JsonObject>(row.tags),
  };
}

export class ServingRepository {
  constructor(private readonly sql: SqlRunner) {}

  /** Stores a key by its hash (the caller hashes it; the key itself is shown once and never stored). */
  async createApiKey(name: string, prefix: string, keyHash: string): Promise<ApiKey> {
    const [row] = await this.sql.query(
      'INSERT INTO api_keys (name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?) RETURNING *',
      [name, prefix, keyHash, Date.now()],
    );
    return toApiKey(row);
  }

  /** The active (not revoked) key with this hash; marks it used. */
  async useApiKey(keyHash: string): Promise<ApiKey | null> {
    const [row] = await this.sql.query('SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL', [keyHash]);
    if (!row) return null;
    await this.sql.run('UPDATE api_keys SET last_used_at = ? WHERE id = ?', [Date.now(), Number(row.id)]);
    return toApiKey(row);
  }

  async listApiKeys(): Promise<ApiKey[]> {
    return (await this.sql.query('SELECT * FROM api_keys ORDER BY id')).map(toApiKey);
  }

  async revokeApiKey(id: number): Promise<boolean> {
    return (await this.sql.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [Date.now(), id])) === 1;
  }

  async logRequest(log: NewRequestLog): Promise<RequestLog> {
    const [row] = await this.sql.query(
      `INSERT INTO request_logs (time, api_key_id, endpoint, model, status, latency_ms, prompt_tokens, completion_tokens,
         request, response, error, tags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        log.time ?? Date.now(),
        log.apiKeyId,
        log.endpoint,
        log.model,
        log.status,
        log.latencyMs,
        log.promptTokens,
        log.completionTokens,
        JSON.stringify(log.request),
        jsonOrNull(log.response),
        log.error,
        JSON.stringify(log.tags ?? {}),
      ],
    );
    return toRequestLog(row);
  }

  /** Newest first; `since`/`until` are epoch ms bounds, `model` filters by model name. */
  async listRequestLogs(filter: { since?: number; until?: number; model?: string; limit?: number } = {}): Promise<RequestLog[]> {
    const conditions = ['time >= ?', 'time <= ?'];
    const params: SqlValue[] = [filter.since ?? 0, filter.until ?? Number.MAX_SAFE_INTEGER];
    if (filter.model) {
      conditions.push('model = ?');
      params.push(filter.model);
    }
    params.push(filter.limit ?? 1000);
    const rows = await this.sql.query(
      `SELECT * FROM request_logs WHERE ${conditions.join(' AND ')} ORDER BY id DESC LIMIT ?`,
      params,
    );
    return rows.map(toRequestLog);
  }
}
