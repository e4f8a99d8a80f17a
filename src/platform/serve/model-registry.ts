/**
 * @module platform/serve/model-registry
 * Names the server answers to: every base model, and `BASE:ADAPTER` for every adapter (finished training runs
 * and PEFT folders). Bases load on first use and stay; adapters load on first use into a shared LRU cache with
 * a memory budget. Each base has one batch scheduler, so requests for different adapters of the same base
 * share batches.
 */
import { basename } from 'node:path';
import { notFound } from './openai-errors.ts';
import { AdapterCache } from './adapter-cache.ts';
import { BatchScheduler } from './batch-scheduler.ts';
import type { AdapterSource, BaseModelRunner, BaseModelSpec, LoadedAdapter } from './serving-model.ts';

export interface ModelListing {
  id: string;
  base: string;
  adapter: string | null;
  origin: 'base' | 'run' | 'folder';
}

/** Lists adapters each time it is asked, so runs that finish while the server is up appear without a restart. */
export type AdapterCatalog = () => Promise<AdapterSource[]>;

export interface ResolvedModel {
  id: string;
  base: string;
  runner: BaseModelRunner;
  scheduler: BatchScheduler;
  adapter: LoadedAdapter | null;
  /** Must be called when the request is done with the adapter. */
  release(): void;
}

interface BaseState {
  spec: BaseModelSpec;
  loading?: Promise<{ runner: BaseModelRunner; scheduler: BatchScheduler }>;
}

export class ModelRegistry {
  private readonly bases = new Map<string, BaseState>();
  readonly adapters: AdapterCache;

  constructor(
    specs: BaseModelSpec[],
    private readonly catalog: AdapterCatalog = async () => [],
    adapterBudgetBytes = 512 * 1024 * 1024,
  ) {
    for (const spec of specs) this.bases.set(spec.name, { spec });
    this.adapters = new AdapterCache(adapterBudgetBytes);
  }

  baseNames(): string[] {
    return [...this.bases.keys()];
  }

  /** Whether `spec` is the base `source` records (by name, path or file name). */
  private matches(source: AdapterSource, spec: BaseModelSpec): boolean {
    const recorded = source.baseModel!;
    return [spec.name, spec.path, spec.path && basename(spec.path)].some((name) => name && (name === recorded || basename(recorded) === name));
  }

  /**
   * Whether an adapter belongs to `base`: the base it records, or any base when it records none or one this
   * server does not have (a hub id for a local copy, say); loading checks the shapes either way.
   */
  private fits(source: AdapterSource, spec: BaseModelSpec): boolean {
    if (!source.baseModel) return true;
    const specs = [...this.bases.values()].map((state) => state.spec);
    if (!specs.some((candidate) => this.matches(source, candidate))) return true;
    return this.matches(source, spec);
  }

  async list(): Promise<ModelListing[]> {
    const sources = await this.catalog();
    const listings: ModelListing[] = [];
    for (const { spec } of this.bases.values()) {
      listings.push({ id: spec.name, base: spec.name, adapter: null, origin: 'base' });
      for (const source of sources.filter((candidate) => this.fits(candidate, spec))) {
        listings.push({ id: `${spec.name}:${source.name}`, base: spec.name, adapter: source.name, origin: source.origin });
      }
    }
    return listings;
  }

  /** Loaded base runners (for stats). */
  async loadedSchedulers(): Promise<Map<string, BatchScheduler>> {
    const result = new Map<string, BatchScheduler>();
    for (const [name, state] of this.bases) if (state.loading) result.set(name, (await state.loading).scheduler);
    return result;
  }

  private base(name: string): Promise<{ runner: BaseModelRunner; scheduler: BatchScheduler }> {
    const state = this.bases.get(name);
    if (!state) {
      throw notFound(`The model '${name}' does not exist. Available base models: ${this.baseNames().join(', ') || '(none)'}`, 'model', 'model_not_found');
    }
    state.loading ??= state.spec.load().then((runner) => ({ runner, scheduler: new BatchScheduler(runner) }));
    state.loading.catch(() => (state.loading = undefined));
    return state.loading;
  }

  /** `BASE` or `BASE:ADAPTER` → a runner, its scheduler and the loaded adapter. Unknown names are 404s. */
  async resolve(model: string): Promise<ResolvedModel> {
    // `ft:BASE:SUFFIX:ftjob-N` (a fine-tuning job's model, OpenAI style) is BASE with the adapter of that full name.
    const fineTuned = /^ft:([^:]+):/.exec(model);
    const separator = model.indexOf(':');
    const baseName = fineTuned ? fineTuned[1] : separator < 0 ? model : model.slice(0, separator);
    const adapterName = fineTuned ? model : separator < 0 ? null : model.slice(separator + 1);
    const { runner, scheduler } = await this.base(baseName);
    if (adapterName === null) return { id: model, base: baseName, runner, scheduler, adapter: null, release: () => undefined };
    const source = (await this.catalog()).find((candidate) => candidate.name === adapterName);
    if (!source || !this.fits(source, this.bases.get(baseName)!.spec)) {
      throw notFound(`The adapter '${adapterName}' does not exist for base model '${baseName}'. List models with GET /v1/models.`, 'model', 'model_not_found');
    }
    const key = `${baseName}:${adapterName}`;
    const adapter = await this.adapters.acquire(key, () => runner.loadAdapter(source));
    let released = false;
    const release = () => {
      if (!released) this.adapters.release(key);
      released = true;
    };
    return { id: model, base: baseName, runner, scheduler, adapter, release };
  }
}
