/**
 * @module platform/store/store.pg.test
 * The shared store suite on PostgreSQL (SLING_TEST_DATABASE_URL); each test gets its own throwaway schema.
 */
import { after, test } from 'node:test';
import { createTestSchema, type TestSchema } from './postgres-test-schema.ts';
import { openStore } from './store.ts';
import { defineStoreSuite } from './store-suite.ts';
import { defineServingMigrationSuite } from './serving-migration-suite.ts';

if (!process.env.SLING_TEST_DATABASE_URL) {
  test('PostgreSQL store suite', { skip: 'SLING_TEST_DATABASE_URL is not set' }, () => {});
} else {
  const schemas: TestSchema[] = [];
  after(async () => {
    for (const schema of schemas) await schema.drop();
  });
  defineStoreSuite('PostgreSQL', {
    fresh: async () => {
      schemas.push((await createTestSchema('store'))!);
    },
    open: (migrations) => openStore({ databaseUrl: schemas[schemas.length - 1].url, migrations }),
  });
  defineServingMigrationSuite('PostgreSQL', {
    fresh: async () => {
      schemas.push((await createTestSchema('migrate'))!);
    },
    open: (migrations, workspaceRoot) => openStore({ databaseUrl: schemas[schemas.length - 1].url, migrations, workspaceRoot }),
  });
}
