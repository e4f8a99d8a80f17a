/**
 * @module platform/fleet/fleet-test-schema
 * For *.pg.test.ts suites whose workers use pg-boss: a throwaway store schema (store/postgres-test-schema) whose
 * drop also removes the pg-boss schema the workers created beside it (`<schema>_pgboss`, see job-bus.ts).
 */
import pg from 'pg';
import { createTestSchema, type TestSchema } from '../store/postgres-test-schema.ts';
import { pgBossSchemaFor } from './job-bus.ts';

export async function createFleetTestSchema(label: string): Promise<TestSchema | undefined> {
  const schema = await createTestSchema(label);
  if (!schema) return undefined;
  return {
    ...schema,
    async drop() {
      await schema.drop();
      const client = new pg.Client({ connectionString: process.env.SLING_TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${pgBossSchemaFor(schema.url)} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
