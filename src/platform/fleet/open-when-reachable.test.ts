import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import pg from 'pg';
import { SlingError } from '../../core/errors.ts';
import { isConnectionError, openWhenReachable } from './open-when-reachable.ts';

test('a refused connection is retried until the server is up; other errors fail at once', async () => {
  // A real refused connection: a port that was just free.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const refused = await new pg.Client({ host: '127.0.0.1', port, connectionTimeoutMillis: 2000 }).connect().then(() => null, (error: unknown) => error);
  assert.ok(isConnectionError(refused), `ECONNREFUSED counts as a connection error: ${String(refused)}`);

  let attempts = 0;
  const logged: string[] = [];
  const value = await openWhenReachable(async () => {
    attempts += 1;
    if (attempts < 3) throw refused;
    return 'open';
  }, { retryIntervalMs: 5, log: (line) => logged.push(line) });
  assert.equal(value, 'open');
  assert.equal(attempts, 3);
  assert.equal(logged.length, 2);
  assert.match(logged[0]!, /database unavailable \(will retry\)/);

  const droppedInMigration = new SlingError('migration_failed', 'schema migration 3 failed', { cause: refused });
  assert.ok(isConnectionError(droppedInMigration), 'a connection lost while migrating is retried too');
  assert.ok(!isConnectionError(new SlingError('migration_failed', 'syntax error', { cause: new Error('syntax error at or near') })));

  let badConfigAttempts = 0;
  await assert.rejects(
    openWhenReachable(async () => {
      badConfigAttempts += 1;
      throw new SlingError('workspace_too_new', 'the database is newer');
    }, { retryIntervalMs: 5 }),
    /newer/,
  );
  assert.equal(badConfigAttempts, 1);

  await assert.rejects(openWhenReachable(async () => { throw refused; }, { retryIntervalMs: 5, giveUpAfterMs: 30 }), (error) => error === refused);
});
