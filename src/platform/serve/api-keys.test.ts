/** @module platform/serve/api-keys.test — keys keep their own rate limit in the store; changes reach verify(). */
import { createHash } from 'node:crypto';
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

test('the store holds only the sha256 of a key: no column of api_keys contains the key or its secret', async () => {
  const store = await openStore({ sqlitePath: ':memory:' });
  try {
    const service = new ApiKeyService(store.serving);
    const { key } = await service.create({ name: 'secret-check' });
    const secret = key.split('_')[2];
    const rows = await store.runner.query<Record<string, unknown>>('SELECT * FROM api_keys');
    assert.equal(rows.length, 1);
    const stored = JSON.stringify(rows[0]);
    assert.ok(!stored.includes(key) && !stored.includes(secret), `plaintext key material stored: ${stored}`);
    assert.equal(rows[0].key_hash, createHash('sha256').update(key).digest('hex'));
    assert.ok(await service.verify(key));
    assert.equal(await service.verify(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')), null, 'a changed secret is refused');
  } finally {
    await store.close();
  }
});
