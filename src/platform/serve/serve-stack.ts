/**
 * @module platform/serve/serve-stack
 * Puts the server together from a workspace (or none) and model specs: API keys and request logs from the
 * workspace store, adapters from folders and finished runs, the registry, and the HTTP app. `sling serve`,
 * the tests and the bench all build the server this one way.
 */
import type { Hono } from 'hono';
import { SlingError } from '../../core/errors.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { cachedCatalog, combineCatalogs, folderCatalog, registeredAdapterCatalog, workspaceRunCatalog } from './adapter-catalog.ts';
import { ApiKeyService } from './api-keys.ts';
import { createServeApp, type ServeApp } from './app.ts';
import type { ServeEnv } from './exchange-log.ts';
import { ModelRegistry } from './model-registry.ts';
import { registerFineTuningRoutes } from './fine-tuning/index.ts';
import { RequestLogRepository } from './request-logs.ts';
import type { BaseModelSpec } from './serving-model.ts';

export interface ServeStackOptions {
  /** null: no keys, no logs, no runs (then auth must be off). */
  workspace: Workspace | null;
  models: BaseModelSpec[];
  /** Adapter folders (or folders of adapters) to serve besides the workspace's finished runs. */
  adapterRoots?: string[];
  auth: boolean;
  /** Requests per minute for keys without their own limit; 0 = unlimited. */
  defaultRateLimit?: number;
  adapterBudgetBytes?: number;
  extend?: (app: Hono<ServeEnv>, stack: { registry: ModelRegistry; keys: ApiKeyService | null; workspace: Workspace | null }) => void;
}

export interface ServeStack extends ServeApp {
  registry: ModelRegistry;
  keys: ApiKeyService | null;
  logs: RequestLogRepository | null;
}

export function createServeStack(options: ServeStackOptions): ServeStack {
  const { workspace } = options;
  if (options.auth && !workspace) {
    throw new SlingError('no_workspace', 'API keys live in a workspace, and none was found', {
      hint: 'run `sling init` and `sling keys create`, or pass --no-auth to serve on loopback without keys',
    });
  }
  const catalogs = [folderCatalog(options.adapterRoots ?? [])];
  if (workspace) catalogs.push(registeredAdapterCatalog(workspace.store, workspace.root), workspaceRunCatalog(workspace.store, workspace.root));
  const registry = new ModelRegistry(options.models, cachedCatalog(combineCatalogs(...catalogs)), options.adapterBudgetBytes);
  const keys = options.auth && workspace ? new ApiKeyService(workspace.store.serving) : null;
  const logs = workspace ? new RequestLogRepository(workspace.store.runner) : null;
  const served = createServeApp({
    registry,
    keys,
    logs,
    defaultRateLimit: options.defaultRateLimit,
    extend: (app) => (registerFineTuningRoutes(app, { workspace, models: options.models }), options.extend?.(app, { registry, keys, workspace })),
  });
  return { ...served, registry, keys, logs };
}
