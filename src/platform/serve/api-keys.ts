/**
 * @module platform/serve/api-keys
 * Bearer API keys. A key reads `sling_<prefix>_<secret>`: the prefix (12 hex characters) is stored in the clear
 * so a key can be recognised in listings; only the sha256 of the whole key is stored (api_keys.key_hash), so the
 * database never holds a usable key. Each key may have its own rate limit (api_keys.rate_limit_per_minute; a
 * workspace's old `api-key-limits.json` is imported by store migration 003).
 */
import { createHash, randomBytes } from 'node:crypto';
import { SlingError } from '../../core/errors.ts';
import type { ApiKey } from '../store/records.ts';
import type { ServingRepository } from '../store/serving-repository.ts';

/** A stored key; `rateLimitPerMinute` null = the server's default, 0 = unlimited. */
export type ApiKeyRecord = ApiKey;

const keyPattern = /^sling_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(): { key: string; prefix: string; keyHash: string } {
  const prefix = randomBytes(6).toString('hex');
  const key = `sling_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, keyHash: hashKey(key) };
}

/** The prefix of a well-formed key, or null (a malformed key is simply not a key). */
export function prefixOf(key: string): string | null {
  return keyPattern.exec(key)?.[1] ?? null;
}

/** How long a verified key is trusted without asking the database again (revocation from another process takes this long). */
export const KEY_CACHE_MS = 2000;

export class ApiKeyService {
  private readonly verified = new Map<string, { record: ApiKeyRecord; at: number }>();

  constructor(private readonly repository: ServingRepository) {}

  /** Creates a key and returns it together with the one and only copy of its secret. */
  async create(options: { name: string; rateLimitPerMinute?: number | null }): Promise<{ key: string; record: ApiKeyRecord }> {
    checkRateLimit(options.rateLimitPerMinute ?? null);
    const { key, prefix, keyHash } = generateKey();
    const record = await this.repository.createApiKey(options.name, prefix, keyHash, options.rateLimitPerMinute ?? null);
    return { key, record };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.repository.listApiKeys();
  }

  /** The active (not revoked) key `key`, or null; marks it used. Positive answers are cached for KEY_CACHE_MS. */
  async verify(key: string): Promise<ApiKeyRecord | null> {
    if (!prefixOf(key)) return null;
    const hash = hashKey(key);
    const cached = this.verified.get(hash);
    if (cached && performance.now() - cached.at < KEY_CACHE_MS) return cached.record;
    const stored = await this.repository.useApiKey(hash);
    if (!stored) {
      this.verified.delete(hash);
      return null;
    }
    this.verified.set(hash, { record: stored, at: performance.now() });
    return stored;
  }

  /** The one key with this numeric id, prefix or name; throws if nothing matches or a name is ambiguous. */
  async find(which: string): Promise<ApiKeyRecord> {
    const matches = (await this.list()).filter((record) => String(record.id) === which || record.prefix === which || record.name === which);
    if (matches.length === 0) {
      throw new SlingError('api_key_not_found', `no API key with id, prefix or name '${which}'`, { hint: 'list keys with `sling keys list`' });
    }
    if (matches.length > 1) {
      throw new SlingError('api_key_ambiguous', `${matches.length} keys match '${which}'`, { hint: 'name the key by id or prefix instead' });
    }
    return matches[0];
  }

  /** Revokes by numeric id, prefix or name. */
  async revoke(which: string): Promise<ApiKeyRecord> {
    const key = await this.find(which);
    await this.repository.revokeApiKey(key.id);
    this.verified.clear();
    return (await this.list()).find((record) => record.id === key.id)!;
  }

  /** Sets a key's requests per minute (null: the server's default, 0: unlimited); servers see it within KEY_CACHE_MS. */
  async setRateLimit(which: string, rateLimitPerMinute: number | null): Promise<ApiKeyRecord> {
    checkRateLimit(rateLimitPerMinute);
    const key = await this.find(which);
    await this.repository.setApiKeyRateLimit(key.id, rateLimitPerMinute);
    this.verified.clear();
    return { ...key, rateLimitPerMinute };
  }
}

function checkRateLimit(perMinute: number | null): void {
  if (perMinute !== null && !(Number.isFinite(perMinute) && perMinute >= 0)) {
    throw new SlingError('invalid_rate_limit', `a rate limit must be a number of requests per minute >= 0, got ${perMinute}`, {
      field: 'rateLimitPerMinute',
    });
  }
}
