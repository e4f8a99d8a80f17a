import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdapterCache } from './adapter-cache.ts';
import type { LoadedAdapter } from './serving-model.ts';

function loader(name: string, bytes: number, disposed: string[], loads: string[]) {
  return async (): Promise<LoadedAdapter> => {
    loads.push(name);
    return { name, bytes, handle: null, dispose: () => disposed.push(name) };
  };
}

test('evicts the least recently used idle adapter when the budget is exceeded', async () => {
  const cache = new AdapterCache(250);
  const disposed: string[] = [];
  const loads: string[] = [];
  for (const name of ['a', 'b']) {
    await cache.acquire(name, loader(name, 100, disposed, loads));
    cache.release(name);
  }
  await cache.acquire('a', loader('a', 100, disposed, loads)); // a becomes most recent
  cache.release('a');
  await cache.acquire('c', loader('c', 100, disposed, loads));
  cache.release('c');
  assert.deepEqual(disposed, ['b']);
  assert.deepEqual(cache.keys(), ['a', 'c']);
  assert.deepEqual(loads, ['a', 'b', 'c'], 'a second use of a cached adapter does not reload it');
  assert.equal(cache.evictions, 1);
});

test('adapters in use are not evicted; concurrent requests share one load', async () => {
  const cache = new AdapterCache(100);
  const disposed: string[] = [];
  const loads: string[] = [];
  const [first, second] = await Promise.all([
    cache.acquire('a', loader('a', 100, disposed, loads)),
    cache.acquire('a', loader('a', 100, disposed, loads)),
  ]);
  assert.equal(first, second);
  assert.deepEqual(loads, ['a']);
  await cache.acquire('b', loader('b', 100, disposed, loads));
  assert.deepEqual(disposed, [], 'a is in use twice, so it stays even over budget');
  cache.release('a');
  cache.release('a');
  assert.deepEqual(disposed, ['a'], 'once idle, the over-budget LRU entry goes');
  cache.release('b');
  assert.deepEqual(cache.keys(), ['b']);
});
