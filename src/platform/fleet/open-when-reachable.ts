/**
 * @module platform/fleet/open-when-reachable
 * A fleet worker may start while PostgreSQL is down or restarting (a fleet comes up before its database, or the
 * database restarts while the worker is still migrating). Opening the workspace then fails with a connection error;
 * a worker should wait for the database as it does mid-job, not exit. Anything that is not a connection problem
 * (a bad config, a database newer than this code) still fails at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SlingError } from '../../core/errors.ts';

// Node socket errors and PostgreSQL's "shutting down / starting up / cannot connect now" SQLSTATEs.
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03']);

export function isConnectionError(error: unknown): boolean {
  // A migration wraps what failed under it (migration_failed): a dropped connection there is still transient.
  if (error instanceof SlingError) return error.code === 'migration_failed' && isConnectionError(error.cause);
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  return /Connection terminated|connection timeout|the database system is (starting up|shutting down)/i.test(error.message);
}

export interface OpenWhenReachableOptions {
  /** Give up after this long without a connection (default 10 minutes). */
  giveUpAfterMs?: number;
  retryIntervalMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** Calls `open` until it succeeds or fails with something other than a connection error. */
export async function openWhenReachable<T>(open: () => Promise<T>, options: OpenWhenReachableOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.giveUpAfterMs ?? 600_000);
  for (;;) {
    try {
      return await open();
    } catch (error) {
      if (!isConnectionError(error) || Date.now() >= deadline || options.signal?.aborted) throw error;
      options.log?.(`database unavailable (will retry): ${(error as Error).message}`);
      await sleep(options.retryIntervalMs ?? 1000);
    }
  }
}
