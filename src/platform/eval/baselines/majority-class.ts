/**
 * @module platform/eval/baselines/majority-class
 * The floor under every classifier: always answer the most frequent training label (ties broken
 * alphabetically so the choice is stable).
 */
import { SlingError } from '../../../core/errors.ts';
import { approximateTokenCount, type ChatModel } from '../chat-model.ts';
import type { EvalRow } from '../eval-row.ts';
import { trainingLabel } from './tfidf-classifier.ts';

export function trainMajorityClass(rows: readonly EvalRow[], name = 'majority-class'): ChatModel & { label: string } {
  if (rows.length === 0) {
    throw new SlingError('baseline_no_training_rows', 'cannot find a majority class without training rows', {
      hint: 'make sure the dataset has rows with split "train"',
    });
  }
  const counts = new Map<string, number>();
  rows.forEach((row, index) => {
    const label = trainingLabel(row, index);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  });
  const [label] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return {
    name,
    kind: 'baseline',
    label,
    async complete(request) {
      return {
        text: label,
        inputTokens: approximateTokenCount(request.messages.map((message) => message.content).join('\n')),
        outputTokens: approximateTokenCount(label),
        latencyMs: 0,
        computeMs: 0,
      };
    },
  };
}
