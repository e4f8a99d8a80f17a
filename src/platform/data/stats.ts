/**
 * @module platform/data/stats
 * Dataset statistics: rows per split, label distribution, character lengths and, given a tokenizer, token counts
 * (the CLI plugs in the engine's tokenizer; the data layer only needs `(text) => number[]`).
 */
import type { Split, StoredRow } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { resolveVersion } from './resolve.ts';
import { quantile } from '../../core/quantile.ts';

export type Tokenize = (text: string) => number[];

export interface LengthSummary {
  min: number;
  mean: number;
  median: number;
  p95: number;
  max: number;
}

export interface DatasetStats {
  name: string;
  version: number;
  rows: number;
  splits: Record<Split, number>;
  /** Label → count per split; empty when the dataset has no labels. */
  labels: Record<string, Record<Split, number>>;
  /** Characters per row (all message contents). */
  characters: LengthSummary;
  /** Tokens per row, when a tokenizer was given. */
  tokens?: LengthSummary;
}

export function summarize(values: number[]): LengthSummary {
  if (values.length === 0) return { min: 0, mean: 0, median: 0, p95: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return { min: sorted[0], mean: total / sorted.length, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted[sorted.length - 1] };
}

export function countTokens(row: StoredRow, tokenize: Tokenize): number {
  return row.messages.reduce((sum, message) => sum + tokenize(message.content).length, 0);
}

export async function datasetStats(store: Store, reference: string, options: { version?: number; tokenize?: Tokenize } = {}): Promise<DatasetStats> {
  const { dataset, version } = await resolveVersion(store, reference, options.version);
  const splits: Record<Split, number> = { train: 0, test: 0 };
  const labels: DatasetStats['labels'] = {};
  const characters: number[] = [];
  const tokens: number[] = [];
  for await (const row of store.datasets.iterateRows(version.id)) {
    const split = row.split ?? 'train';
    splits[split] += 1;
    if (row.label !== null) {
      labels[row.label] ??= { train: 0, test: 0 };
      labels[row.label][split] += 1;
    }
    characters.push(row.charCount);
    if (options.tokenize) tokens.push(row.tokenCount ?? countTokens(row, options.tokenize));
  }
  return {
    name: dataset.name,
    version: version.version,
    rows: version.rowCount,
    splits,
    labels,
    characters: summarize(characters),
    tokens: options.tokenize ? summarize(tokens) : undefined,
  };
}
