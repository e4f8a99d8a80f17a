/** @module platform/serve/api-keys.test — keys keep their own rate limit in the store; changes reach verify(). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../store/store.ts';
import { ApiKeyService } from './api-keys.ts';

test('a key is created with its limit, the limit can be changed or reset, bad limits name the field', async () => {
  const store = await openStore({ sqlitePath: ':memory:' });
  try {
    const service = new ApiKeyService(store.serving);
    const { key, record } = await service.create({ name: 'ci', rateLimitPerMinute: 120 });
    assert.equal(record.rateLimitPerMinute, 120);
    assert.equal((await service.verify(key))?.rateLimitPerMinute, 120);
    await service.setRateLimit('ci', 0.5);
    assert.equal((await service.verify(key))?.rateLimitPerMinute, 0.5);
    await service.setRateLimit(record.prefix, null);
    assert.equal((await service.list())[0].rateLimitPerMinute, null);
    await assert.rejects(service.setRateLimit('ci', -1), (error: { code?: string; message: string }) => {
      assert.equal(error.code, 'invalid_rate_limit');
      assert.match(error.message, /field "rateLimitPerMinute"/);
      return true;
    });
    await assert.rejects(service.setRateLimit('nobody', 5), { code: 'api_key_not_found' });
  } finally {
    await store.close();
  }
});
