import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkListenSafety, isLoopback } from './server.ts';

test('loopback addresses are recognised', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.equal(isLoopback(host), true, host);
  for (const host of ['0.0.0.0', '::', '192.168.1.4', 'example.com', '10.0.0.1']) assert.equal(isLoopback(host), false, host);
});

test('running without auth is refused unless bound to loopback', () => {
  assert.doesNotThrow(() => checkListenSafety({ host: '127.0.0.1', port: 0, auth: false }));
  assert.doesNotThrow(() => checkListenSafety({ host: '0.0.0.0', port: 0, auth: true }));
  assert.throws(() => checkListenSafety({ host: '0.0.0.0', port: 0, auth: false }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'unsafe_no_auth');
    assert.match(error.message, /refusing to serve without authentication on 0\.0\.0\.0/);
    return true;
  });
});
