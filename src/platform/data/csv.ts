/**
 * @module platform/data/csv
 * CSV and TSV files (streamed through csv-parse) with a column mapping: the input column becomes the user message,
 * and either an output column or a label column becomes the assistant answer. An instruction template such as
 * "Classify as spam or ham:\n{input}" wraps the input; the remaining columns become metadata.
 */
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import { parseSplit, type CanonicalRow } from './row.ts';
import { requireFile, toItem, type SourceItem } from './source.ts';

export interface CsvMapping {
  inputColumn: string;
  /** Column with the answer to learn (generation tasks). */
  outputColumn?: string;
  /** Column with the class (classification): becomes the answer and the row's label. */
  labelColumn?: string;
  /** Optional column with TRAIN/TEST. */
  splitColumn?: string;
  /** Wraps the input; `{input}` marks where it goes (appended after a blank line if absent). */
  instruction?: string;
  /** Field separator; default tab for .tsv files, comma otherwise. */
  delimiter?: string;
}

export function applyInstruction(instruction: string | undefined, input: string): string {
  if (!instruction) return input;
  return instruction.includes('{input}') ? instruction.split('{input}').join(input) : `${instruction}\n\n${input}`;
}

function checkColumns(file: string, columns: string[], mapping: CsvMapping): void {
  if (!mapping.outputColumn === !mapping.labelColumn) {
    throw new SlingError('invalid_mapping', 'give exactly one of --output-column and --label-column', { file });
  }
  const wanted = [mapping.inputColumn, mapping.outputColumn, mapping.labelColumn, mapping.splitColumn];
  for (const column of wanted) {
    if (column !== undefined && !columns.includes(column)) {
      throw new SlingError('invalid_mapping', `column "${column}" is not in the header`, {
        file,
        line: 1,
        field: column,
        hint: `columns are: ${columns.join(', ')}`,
      });
    }
  }
}

function toRow(record: Record<string, string>, mapping: CsvMapping, file: string, line: number): CanonicalRow {
  const cell = (column: string): string => {
    const value = record[column];
    if (value === undefined || value.trim() === '') {
      throw new SlingError('invalid_row', `column "${column}" is empty`, { file, line, field: column });
    }
    return value;
  };
  const answerColumn = (mapping.outputColumn ?? mapping.labelColumn)!;
  const answer = cell(answerColumn).trim();
  const used = new Set([mapping.inputColumn, mapping.outputColumn, mapping.labelColumn, mapping.splitColumn]);
  const metadata = Object.fromEntries(Object.entries(record).filter(([column]) => !used.has(column)));
  return {
    messages: [
      { role: 'user', content: applyInstruction(mapping.instruction, cell(mapping.inputColumn)) },
      { role: 'assistant', content: mapping.labelColumn ? answer : cell(answerColumn) },
    ],
    label: mapping.labelColumn ? answer : undefined,
    split: mapping.splitColumn ? parseSplit(record[mapping.splitColumn], { file, line }, mapping.splitColumn) : undefined,
    metadata,
  };
}

export async function* readCsv(file: string, mapping: CsvMapping): AsyncGenerator<SourceItem> {
  requireFile(file);
  const delimiter = mapping.delimiter ?? (extname(file).toLowerCase() === '.tsv' ? '\t' : ',');
  const parser = createReadStream(file).pipe(
    parse({ columns: true, delimiter, bom: true, info: true, skip_empty_lines: true, relax_column_count: true }),
  );
  let checked = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; bytes: number } }>) {
      if (!checked) {
        checkColumns(file, Object.keys(record), mapping);
        checked = true;
      }
      yield toItem(info.lines, info.bytes, () => toRow(record, mapping, file, info.lines));
    }
  } catch (error) {
    if (SlingError.isInstance(error)) throw error;
    const lines = (error as { lines?: number }).lines;
    throw new SlingError('invalid_file', `cannot parse CSV: ${(error as Error).message}`, { file, line: lines, cause: error });
  }
}
