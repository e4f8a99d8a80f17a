/**
 * @module platform/data/source
 * What every importer yields: one item per source record, either a canonical row or the error that made it
 * invalid, with the line it came from and how far into the file the reader is (for the progress bar).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SlingError } from '../../core/errors.ts';
import type { CanonicalRow } from './row.ts';

export type SourceItem = { line: number; bytesRead: number } & ({ row: CanonicalRow; error?: undefined } | { error: SlingError; row?: undefined });

export type RowSource = AsyncIterable<SourceItem>;

export function requireFile(file: string): number {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new SlingError('file_not_found', `cannot read ${file}: no such file`, { file });
  }
  return statSync(file).size;
}

/** Non-blank lines of a text file with their 1-based line numbers, streamed. */
export async function* readLines(file: string): AsyncGenerator<{ line: number; text: string; bytesRead: number }> {
  requireFile(file);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  let bytesRead = 0;
  for await (const text of lines) {
    line += 1;
    bytesRead += Buffer.byteLength(text) + 1;
    if (text.trim() === '') continue;
    yield { line, text, bytesRead };
  }
}

/** Turns a throw inside `parse` into an error item when it is a SlingError (a bad row), rethrows anything else. */
export function toItem(line: number, bytesRead: number, parse: () => CanonicalRow): SourceItem {
  try {
    return { line, bytesRead, row: parse() };
  } catch (error) {
    if (SlingError.isInstance(error)) return { line, bytesRead, error };
    throw error;
  }
}

export function parseJsonLine(text: string, file: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SlingError('invalid_row', `not valid JSON (${(error as Error).message})`, { file, line, field: 'json' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SlingError('invalid_row', 'each line must be a JSON object', { file, line, field: 'json' });
  }
  return value as Record<string, unknown>;
}
