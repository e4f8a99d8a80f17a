/**
 * @module platform/data/import-file
 * Picks the reader for a file: by `format`, else by extension (.csv/.tsv) or, for JSONL, by the first record's keys.
 */
import { basename, extname } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import type { Store } from '../store/store.ts';
import { readChatJsonl } from './chat-jsonl.ts';
import { readCsv, type CsvMapping } from './csv.ts';
import { importRows, type ImportOptions, type ImportReport } from './import.ts';
import { readPromptCompletionJsonl } from './prompt-completion-jsonl.ts';
import { readLines, type RowSource } from './source.ts';

export type ImportFormat = 'chat' | 'prompt-completion' | 'csv';
export const IMPORT_FORMATS: ImportFormat[] = ['chat', 'prompt-completion', 'csv'];

export interface FileImportOptions extends Omit<ImportOptions, 'sourceName'> {
  format?: ImportFormat;
  /** Needed for CSV/TSV. */
  csv?: CsvMapping;
}

export async function detectFormat(file: string): Promise<ImportFormat> {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv' || extension === '.tsv') return 'csv';
  for await (const { text } of readLines(file)) {
    try {
      const first = JSON.parse(text) as Record<string, unknown>;
      if ('messages' in first) return 'chat';
      if ('prompt' in first) return 'prompt-completion';
    } catch {
      // Not JSON: fall through to the error below.
    }
    break;
  }
  throw new SlingError('unknown_format', 'cannot tell the file format from its first line', {
    file,
    hint: `pass --format ${IMPORT_FORMATS.join('|')}`,
  });
}

export function openSource(file: string, format: ImportFormat, csv?: CsvMapping): RowSource {
  if (format === 'chat') return readChatJsonl(file);
  if (format === 'prompt-completion') return readPromptCompletionJsonl(file);
  if (!csv) {
    throw new SlingError('invalid_mapping', 'CSV import needs --input-column and --output-column or --label-column', { file });
  }
  return readCsv(file, csv);
}

export async function importFile(store: Store, file: string, options: FileImportOptions): Promise<ImportReport> {
  if (options.format && !IMPORT_FORMATS.includes(options.format)) {
    throw new SlingError('unknown_format', `unknown format "${options.format}"`, { hint: `use ${IMPORT_FORMATS.join(', ')}` });
  }
  const format = options.format ?? (await detectFormat(file));
  return importRows(store, openSource(file, format, options.csv), { ...options, sourceName: basename(file) });
}
