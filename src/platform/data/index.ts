/**
 * @module platform/data
 * Datasets: import (chat JSONL, prompt/completion JSONL, CSV/TSV, rows in code), immutable versions, splits,
 * filters, stats and JSONL export. Everything goes through the Store.
 */
export { readChatJsonl } from './chat-jsonl.ts';
export { applyInstruction, readCsv, type CsvMapping } from './csv.ts';
export { exportJsonl, toJsonLine, type ExportOptions } from './export.ts';
export { arraySource, importRows, type ImportOptions, type ImportProgress, type ImportReport } from './import.ts';
export { detectFormat, importFile, IMPORT_FORMATS, openSource, type FileImportOptions, type ImportFormat } from './import-file.ts';
export { readPromptCompletionJsonl } from './prompt-completion-jsonl.ts';
export { resolveVersion, type ResolvedVersion } from './resolve.ts';
export { contentHash, parseCanonicalRow, withSystemPrompt, type CanonicalRow } from './row.ts';
export type { RowSource, SourceItem } from './source.ts';
export { chooseTestRows, DEFAULT_TEST_FRACTION, type SplitOptions } from './split.ts';
export { datasetStats, type DatasetStats, type LengthSummary, type Tokenize } from './stats.ts';
export { filterRows, matchesFilter, resplit, type RowFilter } from './transform.ts';
