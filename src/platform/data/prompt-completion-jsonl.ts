/**
 * @module platform/data/prompt-completion-jsonl
 * The older `{"prompt": "...", "completion": "..."}` JSONL: becomes a user message and an assistant answer.
 * `split`, `label` and `metadata` are read as in the chat format.
 */
import { SlingError } from '../../core/errors.ts';
import { parseLabel, parseMetadata, parseSplit } from './row.ts';
import { parseJsonLine, readLines, toItem, type SourceItem } from './source.ts';

function requireText(record: Record<string, unknown>, field: string, file: string, line: number): string {
  const value = record[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SlingError('invalid_row', `${field} must be a non-empty string`, { file, line, field });
  }
  return value;
}

export async function* readPromptCompletionJsonl(file: string): AsyncGenerator<SourceItem> {
  for await (const { line, text, bytesRead } of readLines(file)) {
    yield toItem(line, bytesRead, () => {
      const record = parseJsonLine(text, file, line);
      const origin = { file, line };
      return {
        messages: [
          { role: 'user', content: requireText(record, 'prompt', file, line) },
          { role: 'assistant', content: requireText(record, 'completion', file, line) },
        ],
        split: parseSplit(record.split, origin),
        label: parseLabel(record.label, origin),
        metadata: parseMetadata(record.metadata, origin),
      };
    });
  }
}
