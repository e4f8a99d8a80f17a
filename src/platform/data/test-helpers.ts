/** @module platform/data/test-helpers — temporary files and an in-memory store for the data tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../store/store.ts';

export interface Scratch {
  folder: string;
  store: Store;
  write(name: string, text: string): string;
  close(): Promise<void>;
}

export async function scratch(): Promise<Scratch> {
  const folder = mkdtempSync(join(tmpdir(), 'sling-data-'));
  const store = await openStore({ sqlitePath: join(folder, 'sling.db') });
  return {
    folder,
    store,
    write(name, text) {
      const path = join(folder, name);
      writeFileSync(path, text);
      return path;
    },
    async close() {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function chatLine(user: string, assistant: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ messages: [{ role: 'user', content: user }, { role: 'assistant', content: assistant }], ...extra });
}

export async function allRows(store: Store, versionId: number) {
  const rows = [];
  for await (const row of store.datasets.iterateRows(versionId)) rows.push(row);
  return rows;
}
