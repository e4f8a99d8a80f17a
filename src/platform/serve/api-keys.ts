/**
 * @module platform/serve/api-keys
 * Bearer API keys. A key reads `sling_<prefix>_<secret>`: the prefix (12 hex characters) is stored in the clear
 * so a key can be recognised in listings; only the sha256 of the whole key is stored (api_keys.key_hash), so the
 * database never holds a usable key. Per-key rate limits live beside the database in `api-key-limits.json`
 * (prefix → requests per minute), because the first store schema has no column for them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { SlingError } from '../../core/errors.ts';
import type { ApiKey } from '../store/records.ts';
import type { ServingRepository } from '../store/serving-repository.ts';

export interface ApiKeyRecord extends ApiKey {
  /** Requests per minute allowed for this key; null = the server's default. */
  rateLimitPerMinute: number | null;
}

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

/** The limits file: a JSON object from key prefix to requests per minute. */
class LimitFile {
  constructor(private readonly path: string | null) {}

  read(): Record<string, number> {
    if (!this.path || !existsSync(this.path)) return {};
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, number>;
    } catch (error) {
      throw new SlingError('invalid_config', `cannot read API key limits: ${(error as Error).message}`, { file: this.path });
    }
  }

  set(prefix: string, perMinute: number): void {
    if (!this.path) throw new SlingError('invalid_config', 'per-key rate limits need a workspace folder');
    const limits = { ...this.read(), [prefix]: perMinute };
    writeFileSync(`${this.path}.tmp`, JSON.stringify(limits, null, 2) + '\n');
    renameSync(`${this.path}.tmp`, this.path);
  }
}

/** How long a verified key is trusted without asking the database again (revocation from another process takes this long). */
export const KEY_CACHE_MS = 2000;

export class ApiKeyService {
  private readonly limits: LimitFile;
  private readonly verified = new Map<string, { record: ApiKeyRecord; at: number }>();

  /** `limitsPath`: where per-key rate limits are kept (null: no per-key limits, e.g. in-memory tests). */
  constructor(
    private readonly repository: ServingRepository,
    limitsPath: string | null,
  ) {
    this.limits = new LimitFile(limitsPath);
  }

  private withLimit(key: ApiKey, limits = this.limits.read()): ApiKeyRecord {
    return { ...key, rateLimitPerMinute: limits[key.prefix] ?? null };
  }

  /** Creates a key and returns it together with the one and only copy of its secret. */
  async create(options: { name: string; rateLimitPerMinute?: number | null }): Promise<{ key: string; record: ApiKeyRecord }> {
    const { key, prefix, keyHash } = generateKey();
    if (options.rateLimitPerMinute != null) this.limits.set(prefix, options.rateLimitPerMinute);
    const stored = await this.repository.createApiKey(options.name, prefix, keyHash);
    return { key, record: this.withLimit(stored) };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const limits = this.limits.read();
    return (await this.repository.listApiKeys()).map((key) => this.withLimit(key, limits));
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
    const record = this.withLimit(stored);
    this.verified.set(hash, { record, at: performance.now() });
    return record;
  }

  /** Revokes by numeric id, prefix or name; throws if nothing matches or a name is ambiguous. */
  async revoke(which: string): Promise<ApiKeyRecord> {
    const matches = (await this.list()).filter((record) => String(record.id) === which || record.prefix === which || record.name === which);
    if (matches.length === 0) {
      throw new SlingError('api_key_not_found', `no API key with id, prefix or name '${which}'`, { hint: 'list keys with `sling keys list`' });
    }
    if (matches.length > 1) {
      throw new SlingError('api_key_ambiguous', `${matches.length} keys match '${which}'`, { hint: 'revoke by id or prefix instead' });
    }
    await this.repository.revokeApiKey(matches[0].id);
    this.verified.clear();
    return (await this.list()).find((record) => record.id === matches[0].id)!;
  }
}
