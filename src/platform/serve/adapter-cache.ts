/**
 * @module platform/serve/adapter-cache
 * Loaded adapters under a memory budget, evicted least-recently-used. A Map keeps insertion order, so moving an
 * entry to the end on every use makes the first entry the least recently used. Adapters in use by a running
 * batch are never evicted (the budget may be exceeded briefly instead), and two requests for the same adapter
 * share one load.
 */
import type { LoadedAdapter } from './serving-model.ts';

interface Entry {
  adapter: LoadedAdapter;
  users: number;
}

export class AdapterCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<LoadedAdapter>>();
  evictions = 0;

  constructor(readonly budgetBytes: number) {}

  get bytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.adapter.bytes;
    return total;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * The adapter under `key`, loading it with `load` if absent. The caller must `release(key)` when the request
   * that uses it is done.
   */
  async acquire(key: string, load: () => Promise<LoadedAdapter>): Promise<LoadedAdapter> {
    const present = this.entries.get(key);
    if (present) {
      this.entries.delete(key);
      this.entries.set(key, present);
      present.users += 1;
      return present.adapter;
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = load().finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
      const adapter = await pending;
      this.entries.set(key, { adapter, users: 0 });
      this.evictFor(key);
    }
    const adapter = await pending;
    const entry = this.entries.get(key);
    if (entry) entry.users += 1;
    return adapter;
  }

  release(key: string): void {
    const entry = this.entries.get(key);
    if (entry && entry.users > 0) entry.users -= 1;
    this.evictFor(null);
  }

  /** Evicts least-recently-used idle adapters until the budget holds (never the one just loaded). */
  private evictFor(keep: string | null): void {
    let total = this.bytes;
    for (const [key, entry] of this.entries) {
      if (total <= this.budgetBytes) break;
      if (key === keep || entry.users > 0) continue;
      this.entries.delete(key);
      entry.adapter.dispose?.();
      total -= entry.adapter.bytes;
      this.evictions += 1;
    }
  }
}
