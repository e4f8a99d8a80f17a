/**
 * @module platform/workspace/workspace
 * A workspace is a folder with `sling.yaml`, a database and an artifact folder. `sling init` creates one; every
 * other command finds it from the current folder upward (or SLING_HOME) and opens it with `openWorkspace`.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import { migrations } from '../store/migrations/index.ts';
import { openStore, type Store } from '../store/store.ts';
import { ArtifactStore } from './artifacts.ts';
import { CONFIG_FILE, defaultConfigText, readConfig, type WorkspaceConfig } from './config.ts';

export interface Workspace {
  root: string;
  config: WorkspaceConfig;
  store: Store;
  artifacts: ArtifactStore;
  /** Folder for one job's checkpoints (created on demand by the job runner). */
  checkpointDir(jobId: number): string;
  close(): Promise<void>;
}

export interface LocateOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** The workspace folder: SLING_HOME if set, else the nearest folder upward from `cwd` that has sling.yaml. */
export function findWorkspace(options: LocateOptions = {}): string {
  const env = options.env ?? process.env;
  if (env.SLING_HOME) {
    const root = resolve(env.SLING_HOME);
    if (!existsSync(join(root, CONFIG_FILE))) {
      throw new SlingError('no_workspace', `SLING_HOME points to ${root}, which has no ${CONFIG_FILE}`, {
        hint: `run \`sling init ${root}\` or unset SLING_HOME`,
      });
    }
    return root;
  }
  const start = resolve(options.cwd ?? process.cwd());
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, CONFIG_FILE))) return folder;
    if (dirname(folder) === folder) break;
  }
  throw new SlingError('no_workspace', `no Sling workspace in ${start} or any folder above it`, {
    hint: 'run `sling init` to create one here, or set SLING_HOME',
  });
}

/** Creates a workspace in `dir` (made if missing). Refuses to overwrite an existing one. */
export async function initWorkspace(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Workspace> {
  const root = resolve(dir);
  if (existsSync(join(root, CONFIG_FILE))) {
    throw new SlingError('workspace_exists', `${root} is already a Sling workspace`, { file: join(root, CONFIG_FILE) });
  }
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, CONFIG_FILE), defaultConfigText());
  return openWorkspaceAt(root, env);
}

export async function openWorkspace(options: LocateOptions = {}): Promise<Workspace> {
  return openWorkspaceAt(findWorkspace(options), options.env ?? process.env);
}

export async function openWorkspaceAt(root: string, env: NodeJS.ProcessEnv = process.env): Promise<Workspace> {
  const config = readConfig(join(root, CONFIG_FILE));
  const databaseUrl = env.SLING_DATABASE_URL || config.database_url;
  // SLING_ARTIFACTS / SLING_CHECKPOINTS point a fleet of workers at one shared folder (platform/fleet).
  const artifacts = new ArtifactStore(resolve(root, env.SLING_ARTIFACTS || config.artifacts));
  mkdirSync(artifacts.root, { recursive: true });
  const sqlitePath = resolve(root, config.database);
  if (!databaseUrl) await backupBeforeMigrating(sqlitePath);
  const store = await openStore(databaseUrl ? { databaseUrl, workspaceRoot: root } : { sqlitePath, workspaceRoot: root });
  return {
    root,
    config,
    store,
    artifacts,
    checkpointDir: (jobId) => resolve(root, env.SLING_CHECKPOINTS || config.checkpoints, `job-${jobId}`),
    close: () => store.close(),
  };
}

/**
 * Before an existing SQLite workspace is migrated, keep a copy of it (`sling.db.before-v2`), so an upgrade can
 * always be undone by hand. Migrations run in a transaction anyway; this guards against our own mistakes.
 */
async function backupBeforeMigrating(sqlitePath: string): Promise<void> {
  if (!existsSync(sqlitePath)) return;
  const latest = Math.max(...migrations.map((migration) => migration.version));
  const database = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const hasTable = database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (!hasTable) return;
    const { version } = database.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
    if (version !== null && version < latest) await database.backup(`${sqlitePath}.before-v${latest}`);
  } finally {
    database.close();
  }
}

/** Opens the workspace around `work` and always closes it (what each CLI command does). */
export async function withWorkspace<T>(work: (workspace: Workspace) => Promise<T>, options: LocateOptions = {}): Promise<T> {
  const workspace = await openWorkspace(options);
  try {
    return await work(workspace);
  } finally {
    await workspace.close();
  }
}
