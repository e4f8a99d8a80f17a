/**
 * The kill -9 recovery scenario with the workspace's store in PostgreSQL (SLING_TEST_DATABASE_URL): `sling worker`
 * is then a fleet worker (pg-boss), and `--once` still runs one job and exits.
 */
import { test } from 'node:test';
import { createFleetTestSchema } from '../fleet/fleet-test-schema.ts';
import { killAndResume } from './kill-scenario.ts';

test('PostgreSQL: a job survives kill -9 of its worker and finishes with every step applied exactly once', async (context) => {
  const schema = await createFleetTestSchema('kill');
  if (!schema) return context.skip('SLING_TEST_DATABASE_URL is not set');
  try {
    await killAndResume({ SLING_DATABASE_URL: schema.url });
  } finally {
    await schema.drop();
  }
});
