/**
 * @module platform/workspace/config
 * `sling.yaml`, the file that marks a workspace folder. Paths in it are relative to the workspace folder.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { SlingError } from '../../core/errors.ts';

export const CONFIG_FILE = 'sling.yaml';

export const workspaceConfigSchema = z
  .object({
    /** Format of this file; bumped only if sling.yaml itself changes shape. */
    version: z.literal(1),
    /** SQLite database file; ignored when `database_url` or SLING_DATABASE_URL is set. */
    database: z.string().default('sling.db'),
    /** `postgres://...` to keep the store in PostgreSQL instead. */
    database_url: z.string().optional(),
    artifacts: z.string().default('artifacts'),
    checkpoints: z.string().default('checkpoints'),
  })
  .strict();

export type WorkspaceConfig = z.infer<typeof workspaceConfigSchema>;

export function defaultConfigText(): string {
  return [
    '# Sling workspace. Paths are relative to this folder.',
    'version: 1',
    'database: sling.db          # SQLite file; set database_url (or SLING_DATABASE_URL) to use PostgreSQL',
    '# database_url: postgres://user:password@localhost:5432/sling',
    'artifacts: artifacts        # content-addressed files (models, adapters, exports)',
    'checkpoints: checkpoints    # per-job checkpoint folders',
    '',
  ].join('\n');
}

export function readConfig(path: string): WorkspaceConfig {
  let raw: unknown;
  try {
    raw = YAML.parse(readFileSync(path, 'utf8')) ?? {};
  } catch (error) {
    throw new SlingError('invalid_config', `cannot read workspace config: ${(error as Error).message}`, { file: path, cause: error });
  }
  const parsed = workspaceConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SlingError('invalid_config', issue.message, {
      file: path,
      field: issue.path.join('.') || undefined,
      hint: 'see the comments `sling init` writes into sling.yaml',
    });
  }
  return parsed.data;
}
