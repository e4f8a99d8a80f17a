/**
 * @module platform/store/store.pg.test
 * The shared store suite on PostgreSQL (SLING_TEST_DATABASE_URL); each test gets its own throwaway schema.
 */
import { after, test } from 'node:test';
import pg from 'pg';
import { openStore } from './store.ts';
import { defineStoreSuite } from './store-suite.ts';

const url = process.env.SLING_TEST_DATABASE_URL;
if (!url) {
  test('PostgreSQL store suite', { skip: 'SLING_TEST_DATABASE_URL is not set' }, () => {});
} else {
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  const schemas: string[] = [];
  let schema = '';
  after(async () => {
    for (const name of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await admin.end();
  });
  defineStoreSuite('PostgreSQL', {
    fresh: async () => {
      schema = `sling_test_${process.pid}_${schemas.length}_${Date.now() % 100000}`;
      schemas.push(schema);
      await admin.query(`CREATE SCHEMA ${schema}`);
    },
    open: (migrations) => openStore({ databaseUrl: url, postgresSchema: schema, migrations }),
  });
}
