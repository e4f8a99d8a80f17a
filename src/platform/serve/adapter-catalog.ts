/**
 * @module platform/serve/adapter-catalog
 * Where the server finds adapters: PEFT folders given on the command line (an adapter folder itself, a Sling
 * run directory with `adapter/`, or a folder holding several of either), and finished training runs recorded in
 * the workspace. Catalogs are re-read on every listing, so a run that finishes while the server is up is
 * servable at once.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Store } from '../store/store.ts';
import type { AdapterCatalog } from './model-registry.ts';
import type { AdapterSource } from './serving-model.ts';

/** The folder holding adapter_config.json for `path` (itself, or a run's `adapter/`), or null. */
export function adapterFolder(path: string): string | null {
  if (existsSync(join(path, 'adapter_config.json'))) return path;
  if (existsSync(join(path, 'adapter', 'adapter_config.json'))) return join(path, 'adapter');
  return null;
}

function recordedBase(folder: string): string | undefined {
  try {
    const config = JSON.parse(readFileSync(join(folder, 'adapter_config.json'), 'utf8')) as { base_model_name_or_path?: unknown };
    return typeof config.base_model_name_or_path === 'string' && config.base_model_name_or_path ? config.base_model_name_or_path : undefined;
  } catch {
    return undefined;
  }
}

export function folderCatalog(roots: string[]): AdapterCatalog {
  return async () => {
    const sources: AdapterSource[] = [];
    for (const root of roots.map((path) => resolve(path))) {
      const direct = adapterFolder(root);
      if (direct) {
        sources.push({ name: basename(root), path: root, baseModel: recordedBase(direct), origin: 'folder' });
        continue;
      }
      if (!existsSync(root) || !statSync(root).isDirectory()) continue;
      for (const name of readdirSync(root).sort()) {
        const folder = adapterFolder(join(root, name));
        if (folder) sources.push({ name, path: join(root, name), baseModel: recordedBase(folder), origin: 'folder' });
      }
    }
    return sources;
  };
}

/** Adapters registered as models in the workspace (what a finished LoRA `train` job registers). */
export function registeredAdapterCatalog(store: Store, workspaceRoot: string): AdapterCatalog {
  return async () => {
    const sources: AdapterSource[] = [];
    for (const model of await store.models.list('adapter')) {
      const candidates = [model.uri, model.config.runDirectory].filter((value): value is string => typeof value === 'string');
      const path = candidates.map((candidate) => resolve(workspaceRoot, candidate)).find((candidate) => adapterFolder(candidate));
      if (!path) continue;
      const base = typeof model.config.base === 'string' ? model.config.base : recordedBase(adapterFolder(path)!);
      sources.push({ name: model.name, path, baseModel: base, origin: 'run' });
    }
    return sources;
  };
}

/** Succeeded `train` jobs whose run directory has an adapter (also those that registered no model). */
export function workspaceRunCatalog(store: Store, workspaceRoot: string): AdapterCatalog {
  return async () => {
    const jobs = await store.jobs.list({ kind: 'train', status: 'succeeded', limit: 1000 });
    const sources: AdapterSource[] = [];
    for (const job of jobs) {
      const result = job.result ?? {};
      const payload = job.payload ?? {};
      const recipe = (payload.recipe ?? {}) as Record<string, unknown>;
      const candidates = [result.output, result.runDir, result.out, recipe.out, payload.out].filter((value): value is string => typeof value === 'string');
      for (const candidate of candidates) {
        const path = resolve(workspaceRoot, candidate);
        const folder = adapterFolder(path);
        if (!folder) continue;
        const name = typeof result.model === 'string' ? result.model : typeof payload.name === 'string' ? payload.name : `run-${job.id}`;
        sources.push({ name, path, baseModel: recordedBase(folder), origin: 'run' });
        break;
      }
    }
    return sources;
  };
}

/**
 * Re-reads `catalog` at most every `ttlMs` (the folder scan and the runs query are cheap, but not per request);
 * concurrent callers share one read.
 */
export function cachedCatalog(catalog: AdapterCatalog, ttlMs = 2000): AdapterCatalog {
  let cached: { at: number; sources: Promise<AdapterSource[]> } | null = null;
  return () => {
    if (!cached || performance.now() - cached.at > ttlMs) {
      const sources = catalog();
      cached = { at: performance.now(), sources };
      sources.catch(() => (cached = null));
    }
    return cached.sources;
  };
}

/** All sources of several catalogs; on a name clash the first catalog wins. */
export function combineCatalogs(...catalogs: AdapterCatalog[]): AdapterCatalog {
  return async () => {
    const seen = new Set<string>();
    const sources: AdapterSource[] = [];
    for (const catalog of catalogs) {
      for (const source of await catalog()) {
        if (seen.has(source.name)) continue;
        seen.add(source.name);
        sources.push(source);
      }
    }
    return sources;
  };
}
