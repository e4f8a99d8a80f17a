/**
 * @module platform/eval/clients/retry
 * Retries for transient remote failures (HTTP 429, 5xx, dropped connections) with exponential backoff and
 * full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): the wait before retry k is uniform
 * in [0, min(cap, base·2^k)], or the server's Retry-After when it sends one. Client errors (400, 401, 404)
 * are not retried: repeating them cannot succeed.
 */
import { APIConnectionError } from 'openai';

export interface RetryOptions {
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injectable for tests. */
  random?: () => number;
  sleep?: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') return status === 408 || status === 409 || status === 429 || status >= 500;
  // openai's APIConnectionError (and its timeout subclass) carry no status; so do raw fetch failures.
  return error instanceof APIConnectionError || error instanceof TypeError;
}

function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { headers?: { get?: (name: string) => string | null } }).headers;
  const value = headers?.get?.('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function defaultSleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, milliseconds);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

export async function withRetries<T>(task: () => Promise<T>, options: RetryOptions = {}, signal?: AbortSignal): Promise<T> {
  const maxRetries = options.maxRetries ?? 5;
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= maxRetries || !isRetryable(error) || signal?.aborted) throw error;
      const delay = Math.min(cap, retryAfterMs(error) ?? random() * Math.min(cap, base * 2 ** attempt));
      options.onRetry?.(attempt + 1, delay, error);
      await sleep(delay, signal);
    }
  }
}
