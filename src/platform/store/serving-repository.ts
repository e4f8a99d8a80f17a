/**
 * @module platform/store/serving-repository
 * What the OpenAI-compatible server keeps: API keys (only a hash of each key is stored, with the key's own rate
 * limit) and one log row per request (see request-log-repository.ts).
 */
import { numberOrNull } from './columns.ts';
import type { ApiKey, RequestLog } from './records.ts';
import { RequestLogTable, type NewRequestLog, type RequestLogFilter } from './request-log-repository.ts';
import type { SqlRunner } from './sql-driver.ts';

export type { NewRequestLog, RequestLogFilter };

function toApiKey(row: Record<string, unknown>): ApiKey {
  return {
    id: Number(row.id),
    name: String(row.name),
    prefix: String(row.prefix),
    keyHash: String(row.key_hash),
    createdAt: Number(row.created_at),
    lastUsedAt: numberOrNull(row.last_used_at),
    revokedAt: numberOrNull(row.revoked_at),
    rateLimitPerMinute: numberOrNull(row.rate_limit_per_minute),
  };
}

export class ServingRepository {
  private readonly logs: RequestLogTable;

  constructor(private readonly sql: SqlRunner) {
    this.logs = new RequestLogTable(sql);
  }

  /**
   * Stores a key by its hash (the caller hashes it; the key itself is shown once and never stored).
   * `rateLimitPerMinute`: null = the server's default, 0 = unlimited.
   */
  async createApiKey(name: string, prefix: string, keyHash: string, rateLimitPerMinute: number | null = null): Promise<ApiKey> {
    const [row] = await this.sql.query(
      'INSERT INTO api_keys (name, prefix, key_hash, created_at, rate_limit_per_minute) VALUES (?, ?, ?, ?, ?) RETURNING *',
      [name, prefix, keyHash, Date.now(), rateLimitPerMinute],
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

  /** Sets a key's requests per minute (null: back to the server's default). False if there is no such key. */
  async setApiKeyRateLimit(id: number, rateLimitPerMinute: number | null): Promise<boolean> {
    return (await this.sql.run('UPDATE api_keys SET rate_limit_per_minute = ? WHERE id = ?', [rateLimitPerMinute, id])) === 1;
  }

  logRequest(log: NewRequestLog): Promise<RequestLog> {
    return this.logs.insert(log);
  }

  getRequestLog(id: number): Promise<RequestLog | null> {
    return this.logs.get(id);
  }

  /** Newest first, filtered by model, adapter, endpoint, status, tags and time. */
  listRequestLogs(filter: RequestLogFilter = {}): Promise<RequestLog[]> {
    return this.logs.list(filter);
  }
}
