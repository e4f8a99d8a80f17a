/**
 * @module platform/data/split
 * Deterministic train/test assignment. Rows are ordered by a seeded hash of their content (so the result does not
 * depend on file order, only on the rows and the seed), grouped by label, and the first `testFraction` of each
 * label group goes to test, which keeps the label mix the same in both splits. Rows whose split came with the
 * source keep it.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.ts';

export interface SplitOptions {
  /** Share of rows (per label) that go to test; default 0.1. */
  testFraction?: number;
  /** Changes which rows are picked; default 0. */
  seed?: number;
}

export interface SplitKey {
  position: number;
  contentHash: string;
  label: string | null;
}

export const DEFAULT_TEST_FRACTION = 0.1;

/** The positions that go to test, out of `keys` (rows without a split yet). */
export function chooseTestRows(keys: SplitKey[], options: SplitOptions = {}): number[] {
  const fraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
  const seed = options.seed ?? 0;
  const groups = new Map<string | null, { key: string; position: number }[]>();
  for (const row of keys) {
    const order = createHash('sha256').update(`${seed}:${row.contentHash}`).digest('hex');
    let group = groups.get(row.label);
    if (!group) groups.set(row.label, (group = []));
    group.push({ key: order, position: row.position });
  }
  const test: number[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const count = Math.round(group.length * fraction);
    for (let index = 0; index < count; index += 1) test.push(group[index].position);
  }
  return test.sort((a, b) => a - b);
}

/** Assigns a split to every row of `versionId` that has none (call inside the transaction writing the version). */
export async function assignMissingSplits(tx: Store, versionId: number, options: SplitOptions = {}): Promise<void> {
  const keys = (await tx.datasets.splitKeys(versionId, { unassignedOnly: true }));
  await tx.datasets.setSplits(versionId, chooseTestRows(keys, options), 'test');
  await tx.datasets.fillMissingSplits(versionId, 'train');
}
