/**
 * @module platform/serve/auth
 * Bearer-key authentication and per-key rate limiting for the API routes. With auth switched off (only allowed
 * on loopback, checked by the server) every request is anonymous and shares one rate-limit bucket.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './openai-errors.ts';
import type { ApiKeyService } from './api-keys.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { ServeEnv } from './exchange-log.ts';

export interface AuthOptions {
  /** null = authentication switched off. */
  keys: ApiKeyService | null;
  limiter: RateLimiter;
  /** Requests per minute for keys without their own limit (and for anonymous use); 0 = unlimited. */
  defaultRateLimit: number;
  /** False for the dashboard's own API: its polling must not eat a key's request allowance. */
  rateLimit?: boolean;
}

export function authenticate(options: AuthOptions): MiddlewareHandler<ServeEnv> {
  return async (c, next) => {
    c.set('apiKey', null);
    let bucket = 'anonymous';
    let perMinute = options.defaultRateLimit;
    if (options.keys) {
      const header = c.req.header('authorization') ?? '';
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) {
        throw new ApiError(401, 'authentication_error', 'Missing bearer API key: send `Authorization: Bearer <key>` (create one with `sling keys create`).', null, 'missing_api_key');
      }
      const record = await options.keys.verify(match[1]);
      if (!record) throw new ApiError(401, 'authentication_error', 'Incorrect or revoked API key provided.', null, 'invalid_api_key');
      c.set('apiKey', record);
      bucket = `key:${record.id}`;
      perMinute = record.rateLimitPerMinute ?? options.defaultRateLimit;
    }
    const decision = options.rateLimit === false ? { allowed: true, retryAfterSeconds: 0 } : options.limiter.take(bucket, perMinute);
    if (!decision.allowed) {
      throw new ApiError(
        429,
        'rate_limit_error',
        `Rate limit reached: ${perMinute} requests per minute for this key. Try again in ${decision.retryAfterSeconds} s.`,
        null,
        'rate_limit_exceeded',
        { 'retry-after': String(decision.retryAfterSeconds) },
      );
    }
    await next();
  };
}
