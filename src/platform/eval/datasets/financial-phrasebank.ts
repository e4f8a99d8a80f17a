/**
 * @module platform/eval/datasets/financial-phrasebank
 * Financial PhraseBank (Malo et al. 2014), AllAgree subset, from the converted JSONL in the shared data
 * folder (`{"id","text","label","split"}` per line). Rows become canonical chat rows: an instruction with
 * the sentence as the user message, the label as the assistant's reference answer.
 */
import { readFileSync } from 'node:fs';
import { SlingError } from '../../../core/errors.ts';
import type { EvalRow } from '../eval-row.ts';

export const FPB_LABELS = ['negative', 'neutral', 'positive'] as const;

export const FPB_INSTRUCTION =
  'Classify the sentiment of this financial news sentence for an investor. Answer with one word: positive, negative or neutral.';

export function fpbRow(text: string, label: string, split: string, id: number): EvalRow {
  return {
    messages: [
      { role: 'user', content: `${FPB_INSTRUCTION}\n\nSentence: ${text}` },
      { role: 'assistant', content: label },
    ],
    split,
    label,
    metadata: { source: 'financial_phrasebank_allagree', id },
  };
}

export function readFinancialPhrasebank(path: string): EvalRow[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const rows: EvalRow[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let record: { id?: unknown; text?: unknown; label?: unknown; split?: unknown };
    try {
      record = JSON.parse(line) as typeof record;
    } catch (error) {
      throw new SlingError('dataset_bad_json', 'line is not valid JSON', { file: path, line: index + 1, cause: error });
    }
    if (typeof record.text !== 'string' || !FPB_LABELS.includes(record.label as (typeof FPB_LABELS)[number])) {
      throw new SlingError('dataset_bad_row', 'expected "text" and a label positive/negative/neutral', {
        file: path,
        line: index + 1,
        field: typeof record.text !== 'string' ? 'text' : 'label',
      });
    }
    rows.push(fpbRow(record.text, record.label as string, String(record.split ?? 'train'), Number(record.id ?? index)));
  });
  return rows;
}
