/**
 * @module platform/store/postgres-test-schema
 * For *.pg.test.ts suites: a throwaway schema in the SLING_TEST_DATABASE_URL database, and a URL whose
 * connections use it (`?options=-c search_path=...`), so code that only takes a URL (the workspace, a worker
 * process) runs isolated from other tests. Returns undefined when no test database is configured.
 */
import pg from 'pg';

export interface TestSchema {
  name: string;
  /** The test database URL with this schema as search_path. */
  url: string;
  drop(): Promise<void>;
}

export async function createTestSchema(label: string): Promise<TestSchema | undefined> {
  const base = process.env.SLING_TEST_DATABASE_URL;
  if (!base) return undefined;
  const name = `sling_${label}_${process.pid}_${Date.now() % 1_000_000}_${Math.floor(Math.random() * 1000)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await client.end();
    },
  };
}
