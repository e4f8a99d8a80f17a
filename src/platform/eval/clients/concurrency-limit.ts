/**
 * @module platform/eval/clients/concurrency-limit
 * At most N tasks in flight; the rest wait in arrival order. Remote APIs rate-limit by concurrent requests,
 * and local models on a 2-core machine should not oversubscribe the CPU.
 */

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function concurrencyLimit(maximum: number): Limiter {
  if (!Number.isInteger(maximum) || maximum < 1) throw new RangeError(`concurrency must be a positive integer, got ${maximum}`);
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= maximum) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
