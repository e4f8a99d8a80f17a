/**
 * @module web/api/datasets-api
 * `/api/datasets...`: dataset list, one dataset's versions and statistics, and pages of rows of one version.
 * Statistics (splits, labels, lengths) are computed from the version's rows; versions are immutable, so
 * they are cached per version id.
 */
import type { Hono } from 'hono';
import type { Store } from '../../platform/store/store.ts';
import { integerParam, missing } from './http.ts';

interface VersionStats {
  rows: number;
  splits: Record<string, number>;
  labels: Record<string, number>;
  characters: { mean: number; max: number };
  /** Histogram of characters per row, 10 equal-width bins from 0 to max. */
  lengthHistogram: { upTo: number; count: number }[];
}

async function versionStats(store: Store, versionId: number): Promise<VersionStats> {
  const splits: Record<string, number> = {};
  const labels: Record<string, number> = {};
  const lengths: number[] = [];
  for await (const row of store.datasets.iterateRows(versionId)) {
    splits[row.split ?? 'unassigned'] = (splits[row.split ?? 'unassigned'] ?? 0) + 1;
    if (row.label !== null) labels[row.label] = (labels[row.label] ?? 0) + 1;
    lengths.push(row.charCount);
  }
  const max = lengths.reduce((a, b) => Math.max(a, b), 0);
  const width = Math.max(1, Math.ceil(max / 10));
  const lengthHistogram = Array.from({ length: 10 }, (_, index) => ({ upTo: (index + 1) * width, count: 0 }));
  for (const length of lengths) lengthHistogram[Math.min(9, Math.floor(length / width))].count += 1;
  const mean = lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0;
  return { rows: lengths.length, splits, labels, characters: { mean, max }, lengthHistogram };
}

export function registerDatasetsApi(app: Hono<any>, store: Store): void {
  const statsCache = new Map<number, VersionStats>();

  app.get('/api/datasets', async (c) => c.json({ datasets: await store.datasets.listDatasets() }));

  app.get('/api/datasets/:name', async (c) => {
    const dataset = await store.datasets.getDataset(c.req.param('name'));
    if (!dataset) throw missing(`dataset '${c.req.param('name')}'`);
    const versions = await store.datasets.listVersions(dataset.id);
    const wanted = integerParam(c.req.query('version'), 'version');
    const version = wanted === undefined ? versions.at(-1) : versions.find((candidate) => candidate.version === wanted);
    if (!version) throw missing(`version ${wanted} of dataset '${dataset.name}'`);
    let stats = statsCache.get(version.id);
    if (!stats) {
      stats = await versionStats(store, version.id);
      statsCache.set(version.id, stats);
    }
    return c.json({ dataset, versions, version, stats });
  });

  app.get('/api/datasets/:name/versions/:version/rows', async (c) => {
    const dataset = await store.datasets.getDataset(c.req.param('name'));
    if (!dataset) throw missing(`dataset '${c.req.param('name')}'`);
    const version = await store.datasets.getVersion(dataset.id, integerParam(c.req.param('version'), 'version'));
    if (!version) throw missing(`version ${c.req.param('version')} of dataset '${dataset.name}'`);
    const split = c.req.query('split');
    const rows = await store.datasets.readRows(version.id, {
      split: split === 'train' || split === 'test' ? split : undefined,
      afterPosition: integerParam(c.req.query('after'), 'after'),
      limit: Math.min(200, integerParam(c.req.query('limit'), 'limit', 50)!),
    });
    return c.json({ rows });
  });
}
