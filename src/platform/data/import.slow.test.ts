/**
 * A 100k-row import must stream: heap use stays bounded while the file is read and inserted in batches.
 * The heap is measured after a forced GC at points through the streaming phase, so garbage does not blur the
 * picture. (The split assignment afterwards briefly holds one small key per row: position, hash, label.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { importFile } from './import-file.ts';
import { chatLine, scratch } from './test-helpers.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROWS = 100_000;

test('a 100k-row JSONL file imports in bounded memory', async () => {
  const work = await scratch();
  try {
    const path = `${work.folder}/big.jsonl`;
    const out = createWriteStream(path);
    for (let index = 0; index < ROWS; index += 1) {
      const line = chatLine(`Ticket ${index}: my order ${index * 7919} has not arrived, can you check? ${'details '.repeat(index % 20)}`, `Order ${index * 7919} ships tomorrow.`, { metadata: { index } });
      if (!out.write(line + '\n')) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let calls = 0;
    let lastBytes = 0;
    const report = await importFile(work.store, path, {
      name: 'big',
      onProgress: ({ bytesRead }) => {
        assert.ok(bytesRead >= lastBytes);
        lastBytes = bytesRead;
        if (++calls % 20 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        }
      },
    });
    const growthMb = (peak - before) / 1024 / 1024;
    console.log(`# 100k-row import: heap growth ${growthMb.toFixed(1)} MB over ${calls} progress reports`);
    assert.equal(report.imported, ROWS);
    assert.equal(report.version.rowCount, ROWS);
    assert.ok(calls >= 100);
    // Holding the rows would take well over 100 MB of heap; streaming keeps it to the split keys and one batch.
    assert.ok(growthMb < 40, `heap grew by ${growthMb.toFixed(1)} MB`);
    const stats = await work.store.runner.query<{ test: number }>("SELECT COUNT(*) AS test FROM dataset_rows WHERE split = 'test'");
    assert.equal(Number(stats[0].test), ROWS / 10);
    const last = (await work.store.datasets.readRows(report.version.id, { afterPosition: ROWS - 1 }))[0];
    assert.deepEqual(last.metadata, { index: ROWS - 1 });
  } finally {
    await work.close();
  }
});
