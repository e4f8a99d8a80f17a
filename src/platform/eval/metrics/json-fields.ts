/**
 * @module platform/eval/metrics/json-fields
 * JSON validity and field-level precision/recall/F1 for extraction tasks, in the spirit of OpenPipe's
 * "field comparison": both objects are flattened to (path, value) facts; a list contributes one fact per
 * element at `path[]` and is compared as a multiset (order ignored, duplicates counted); nested objects
 * recurse with dotted paths. Matched facts / predicted facts = precision, / reference facts = recall.
 * Scores are micro-averaged over rows (summed counts), which is the entity-level F1 of NER papers.
 */
import { referenceOf } from '../eval-row.ts';
import { mean, type Metric } from './metric.ts';

export interface FieldCounts {
  valid: boolean;
  matched: number;
  predicted: number;
  reference: number;
}

/** Parses a model's JSON answer, tolerating a ```json fence or prose around a single object. */
export function parseJsonAnswer(text: string): { ok: true; value: unknown } | { ok: false } {
  const candidates = [text.trim()];
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  if (fenced) candidates.push(fenced[1].trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const candidate of candidates) {
    try {
      return { ok: true, value: JSON.parse(candidate) as unknown };
    } catch {
      // try the next candidate
    }
  }
  return { ok: false };
}

function canonical(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.trim().replace(/\s+/g, ' '));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Flattens a JSON value to a multiset of `path=value` facts. */
export function flattenFacts(value: unknown, path = ''): Map<string, number> {
  const facts = new Map<string, number>();
  const add = (fact: string) => facts.set(fact, (facts.get(fact) ?? 0) + 1);
  const visit = (node: unknown, at: string) => {
    if (Array.isArray(node)) {
      for (const element of node) {
        if (element !== null && typeof element === 'object' && !Array.isArray(element)) add(`${at}[]=${canonical(element)}`);
        else visit(element, `${at}[]`);
      }
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) visit(child, at === '' ? key : `${at}.${key}`);
    } else {
      add(`${at}=${canonical(node)}`);
    }
  };
  visit(value, path);
  return facts;
}

export function compareFields(predictedText: string, referenceText: string): FieldCounts {
  const reference = parseJsonAnswer(referenceText);
  const referenceFacts = reference.ok ? flattenFacts(reference.value) : new Map<string, number>();
  const referenceCount = [...referenceFacts.values()].reduce((sum, count) => sum + count, 0);
  const predicted = parseJsonAnswer(predictedText);
  if (!predicted.ok) return { valid: false, matched: 0, predicted: 0, reference: referenceCount };
  const predictedFacts = flattenFacts(predicted.value);
  let matched = 0;
  let predictedCount = 0;
  for (const [fact, count] of predictedFacts) {
    predictedCount += count;
    matched += Math.min(count, referenceFacts.get(fact) ?? 0);
  }
  return { valid: true, matched, predicted: predictedCount, reference: referenceCount };
}

function sums(scores: FieldCounts[]) {
  let matched = 0;
  let predicted = 0;
  let reference = 0;
  for (const score of scores) {
    matched += score.matched;
    predicted += score.predicted;
    reference += score.reference;
  }
  return { matched, predicted, reference };
}

export function fieldPrecision(scores: FieldCounts[]): number {
  const total = sums(scores);
  return total.predicted === 0 ? (total.reference === 0 ? 1 : 0) : total.matched / total.predicted;
}

export function fieldRecall(scores: FieldCounts[]): number {
  const total = sums(scores);
  return total.reference === 0 ? (total.predicted === 0 ? 1 : 0) : total.matched / total.reference;
}

export function fieldF1(scores: FieldCounts[]): number {
  const total = sums(scores);
  if (total.predicted + total.reference === 0) return 1;
  return (2 * total.matched) / (total.predicted + total.reference);
}

function fieldMetric(name: string, aggregate: (scores: FieldCounts[]) => number): Metric<FieldCounts> {
  return { name, score: (row, output) => compareFields(output, referenceOf(row)), aggregate };
}

export const jsonValidMetric = (): Metric<FieldCounts> =>
  fieldMetric('json_valid', (scores) => mean(scores.map((score) => (score.valid ? 1 : 0))));
export const fieldPrecisionMetric = (): Metric<FieldCounts> => fieldMetric('field_precision', fieldPrecision);
export const fieldRecallMetric = (): Metric<FieldCounts> => fieldMetric('field_recall', fieldRecall);
export const fieldF1Metric = (): Metric<FieldCounts> => fieldMetric('field_f1', fieldF1);
