/**
 * @module platform/serve/rate-limiter
 * Per-key token buckets: each key holds at most `perMinute` tokens and regains `perMinute / 60` per second, so
 * a client may burst up to its minute's allowance and then proceeds at the steady rate. One request costs one
 * token. Buckets live in memory (one server process); a restart refills them, which only ever favours clients.
 */

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until one token is available again (0 when allowed). */
  retryAfterSeconds: number;
  remaining: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one token from `key`'s bucket of capacity `perMinute`. A limit of 0 or less means unlimited. */
  take(key: string, perMinute: number): RateDecision {
    if (!(perMinute > 0)) return { allowed: true, retryAfterSeconds: 0, remaining: Infinity };
    const time = this.now();
    const perMillisecond = perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: perMinute, updatedAt: time };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (time - bucket.updatedAt) * perMillisecond);
    bucket.updatedAt = time;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens) };
    }
    const waitMilliseconds = (1 - bucket.tokens) / perMillisecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMilliseconds / 1000)), remaining: 0 };
  }
}

/** Parses `N/min`, `N/s`, `N/h` or a bare number (per minute) into requests per minute. */
export function parseRateLimit(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hour))?\s*$/i.exec(text);
  if (!match) throw new Error(`cannot read rate limit '${text}': expected N/min, N/s or N/h`);
  const count = Number(match[1]);
  const unit = (match[2] ?? 'min').toLowerCase();
  if (unit.startsWith('s')) return count * 60;
  if (unit.startsWith('h')) return count / 60;
  return count;
}
