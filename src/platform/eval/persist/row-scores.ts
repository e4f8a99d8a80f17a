/**
 * @module platform/eval/persist/row-scores
 * The per-row scores kept with each stored output (`evaluation_outputs.scores`), so a row can be inspected
 * ("why was this wrong?") without recomputing: the parsed label, field counts, ROUGE-L, grader and
 * criterion results, and the error if the model failed on the row.
 */
import type { EvalRow } from '../eval-row.ts';
import { referenceOf } from '../eval-row.ts';
import { labelPair } from '../metrics/classification.ts';
import { compareFields } from '../metrics/json-fields.ts';
import { rougeL } from '../metrics/rouge-l.ts';
import { normalizeWhitespace } from '../metrics/exact-match.ts';
import type { TaskSpec } from '../run/task.ts';

export type RowScores = Record<string, number | string | boolean | null>;

export function rowScores(task: TaskSpec, row: EvalRow, output: string, extra: Record<string, number>, error: string | null): RowScores {
  const scores: RowScores = { exact_match: normalizeWhitespace(output) === normalizeWhitespace(referenceOf(row)) ? 1 : 0 };
  if (task.kind === 'classification') {
    const pair = labelPair(row, output, task.labels ?? []);
    Object.assign(scores, { predicted: pair.predicted, reference: pair.reference, correct: pair.predicted === pair.reference, ambiguous: pair.ambiguous });
  } else if (task.kind === 'extraction') {
    const counts = compareFields(output, referenceOf(row));
    Object.assign(scores, { json_valid: counts.valid, fields_matched: counts.matched, fields_predicted: counts.predicted, fields_reference: counts.reference });
  } else {
    scores.rouge_l = rougeL(output, referenceOf(row)).f1;
  }
  Object.assign(scores, extra);
  if (error !== null) scores.error = error;
  return scores;
}
