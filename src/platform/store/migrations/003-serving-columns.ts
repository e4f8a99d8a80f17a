/**
 * @module platform/store/migrations/003-serving-columns
 * Gives the server's facts proper columns. API keys get their own rate limit (it lived in
 * `api-key-limits.json` beside the database). Request logs get the cost, adapter, source (serve or proxy) and
 * compute time, which rode inside the response JSON under `sling`, and their tags get a table of their own, so
 * the dashboard's filters (tag, model, status, time) are index lookups instead of scans over JSON text.
 * Existing rows are carried over in SQL (SQLite's json_* / PostgreSQL's jsonb functions); logs without details
 * (error rows) get the adapter the old reader inferred from `BASE:ADAPTER`, so the dashboard shows the same.
 */
import type { Dialect } from '../sql-driver.ts';
import { keyLimitsFile } from './key-limits-file.ts';
import type { Migration } from './migration.ts';

function schema(): string {
  return `
ALTER TABLE api_keys ADD COLUMN rate_limit_per_minute DOUBLE PRECISION;
ALTER TABLE request_logs ADD COLUMN source TEXT;
ALTER TABLE request_logs ADD COLUMN adapter TEXT;
ALTER TABLE request_logs ADD COLUMN cost_usd DOUBLE PRECISION;
ALTER TABLE request_logs ADD COLUMN compute_ms DOUBLE PRECISION;
CREATE TABLE request_log_tags (
  log_id INTEGER NOT NULL REFERENCES request_logs(id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (log_id, name)
);
CREATE INDEX request_log_tags_lookup ON request_log_tags (name, value, log_id);
CREATE INDEX request_logs_model ON request_logs (model, id);
CREATE INDEX request_logs_status ON request_logs (status, id);
CREATE INDEX request_logs_adapter ON request_logs (adapter, id);
`;
}

const sqliteCarryOver = `
UPDATE request_logs SET
  source = json_extract(response, '$.sling.source'),
  adapter = json_extract(response, '$.sling.adapter'),
  cost_usd = json_extract(response, '$.sling.cost'),
  compute_ms = json_extract(response, '$.sling.computeMs')
WHERE response IS NOT NULL AND json_valid(response) AND json_type(response, '$.sling') = 'object';
UPDATE request_logs SET adapter = substr(model, instr(model, ':') + 1)
WHERE adapter IS NULL AND instr(model, ':') > 1
  AND NOT (response IS NOT NULL AND json_valid(response) AND json_type(response, '$.sling') = 'object');
INSERT INTO request_log_tags (log_id, name, value)
SELECT request_logs.id, tag.key, CAST(tag.value AS TEXT)
FROM request_logs, json_each(request_logs.tags) AS tag
WHERE json_valid(request_logs.tags) AND json_type(request_logs.tags) = 'object' AND tag.value IS NOT NULL;
`;

// Every response and tags text was written by JSON.stringify, so the jsonb casts cannot fail on stored data.
const postgresCarryOver = `
UPDATE request_logs SET
  source = response::jsonb -> 'sling' ->> 'source',
  adapter = response::jsonb -> 'sling' ->> 'adapter',
  cost_usd = (response::jsonb -> 'sling' ->> 'cost')::double precision,
  compute_ms = (response::jsonb -> 'sling' ->> 'computeMs')::double precision
WHERE response IS NOT NULL AND jsonb_typeof(response::jsonb -> 'sling') = 'object';
UPDATE request_logs SET adapter = substring(model from position(':' in model) + 1)
WHERE adapter IS NULL AND position(':' in model) > 1
  AND (response IS NULL OR jsonb_typeof(response::jsonb -> 'sling') IS DISTINCT FROM 'object');
INSERT INTO request_log_tags (log_id, name, value)
SELECT request_logs.id, tag.key, tag.value
FROM request_logs, jsonb_each_text(request_logs.tags::jsonb) AS tag
WHERE jsonb_typeof(request_logs.tags::jsonb) = 'object' AND tag.value IS NOT NULL;
`;

export const servingColumns: Migration = {
  version: 3,
  name: 'serving-columns',
  sql: schema,
  carryOver: (dialect: Dialect) => (dialect === 'sqlite' ? sqliteCarryOver : postgresCarryOver),
  legacyFile: keyLimitsFile,
};
