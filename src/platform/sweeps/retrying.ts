/**
 * @module platform/sweeps/retrying
 * Store writes that wait out a database outage: a trial keeps training while PostgreSQL restarts, and its logs,
 * metrics and rung values are written once the database answers again (retried with a capped back-off for up to
 * `maxWaitMs`). Errors that are not about the connection are thrown at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|EPIPE|terminat|Connection|connect|shutting down|57P0|08006|08001|08003|timeout/i;

export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return CONNECTION_ERROR.test(String(code ?? '')) || CONNECTION_ERROR.test(error instanceof Error ? error.message : String(error));
}

export async function retrying<T>(call: () => Promise<T>, maxWaitMs = 120_000): Promise<T> {
  const started = Date.now();
  for (let delay = 200; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await call();
    } catch (error) {
      if (!isConnectionError(error) || Date.now() - started > maxWaitMs) throw error;
      await sleep(delay);
    }
  }
}
