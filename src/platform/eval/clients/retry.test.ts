import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRetryable, withRetries } from './retry.ts';

test('backoff grows as base·2^k with full jitter and is capped', async () => {
  const delays: number[] = [];
  let calls = 0;
  const result = await withRetries(
    async () => {
      calls++;
      if (calls <= 6) throw Object.assign(new Error('busy'), { status: 503 });
      return 'ok';
    },
    { maxRetries: 6, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999, sleep: async (ms) => void delays.push(ms) },
  );
  assert.equal(result, 'ok');
  assert.deepEqual(delays.map(Math.round), [100, 200, 400, 800, 1000, 1000]);
});

test('which failures are transient', () => {
  assert.equal(isRetryable({ status: 429 }), true);
  assert.equal(isRetryable({ status: 502 }), true);
  assert.equal(isRetryable({ status: 400 }), false);
  assert.equal(isRetryable({ status: 401 }), false);
  assert.equal(isRetryable(new TypeError('fetch failed')), true);
  assert.equal(isRetryable(new Error('bug')), false);
});
