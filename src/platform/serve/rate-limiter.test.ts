import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter, parseRateLimit } from './rate-limiter.ts';

test('a bucket allows a burst of its capacity, then refills at the steady rate', () => {
  let time = 0;
  const limiter = new RateLimiter(() => time);
  for (let index = 0; index < 3; index++) assert.equal(limiter.take('k', 3).allowed, true);
  const refused = limiter.take('k', 3);
  assert.equal(refused.allowed, false);
  assert.equal(refused.retryAfterSeconds, 20); // 3 per minute = one token every 20 s
  time += 20_000;
  assert.equal(limiter.take('k', 3).allowed, true);
  assert.equal(limiter.take('k', 3).allowed, false);
  assert.equal(limiter.take('other', 3).allowed, true, 'keys have separate buckets');
});

test('a non-positive limit means unlimited', () => {
  const limiter = new RateLimiter(() => 0);
  for (let index = 0; index < 100; index++) assert.equal(limiter.take('k', 0).allowed, true);
});

test('rate limits are read per minute, second or hour', () => {
  assert.equal(parseRateLimit('60/min'), 60);
  assert.equal(parseRateLimit('2/s'), 120);
  assert.equal(parseRateLimit('120/h'), 2);
  assert.equal(parseRateLimit('30'), 30);
  assert.throws(() => parseRateLimit('lots'), /N\/min/);
});
