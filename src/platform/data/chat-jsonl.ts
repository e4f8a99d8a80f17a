/**
 * @module platform/data/chat-jsonl
 * OpenAI chat JSONL, as OpenPipe uploads it: one `{"messages": [...], "split": "TRAIN", "metadata": {...}}` per
 * line, the last message being the assistant answer. `split` (any case), `label` and `metadata` are optional.
 */
import { parseLabel, parseMessages, parseMetadata, parseSplit } from './row.ts';
import { parseJsonLine, readLines, toItem, type SourceItem } from './source.ts';

export async function* readChatJsonl(file: string): AsyncGenerator<SourceItem> {
  for await (const { line, text, bytesRead } of readLines(file)) {
    yield toItem(line, bytesRead, () => {
      const record = parseJsonLine(text, file, line);
      const origin = { file, line };
      return {
        messages: parseMessages(record.messages, origin),
        split: parseSplit(record.split, origin),
        label: parseLabel(record.label, origin),
        metadata: parseMetadata(record.metadata, origin),
      };
    });
  }
}
