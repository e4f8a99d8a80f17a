/** @module platform/store/store.test — the shared store suite on SQLite (a new file per test). */
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './store.ts';
import { defineStoreSuite } from './store-suite.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-store-'));
after(() => rmSync(folder, { recursive: true, force: true }));
let counter = 0;
let path = '';

defineStoreSuite('SQLite', {
  fresh: async () => {
    path = join(folder, `store-${++counter}.db`);
  },
  open: (migrations) => openStore({ sqlitePath: path, migrations }),
});
