/**
 * @module platform/eval/baselines/gazetteer-ner
 * A gazetteer (dictionary) entity extractor, the classical JSON-extraction baseline. In the spirit of the
 * CoNLL-2003 shared-task baseline: remember every entity string seen in training with its most frequent
 * type, keep only strings that are an entity in at least half of their training occurrences, and tag new
 * sentences by greedy longest match. Answers `{"PER":[...],"ORG":[...],"LOC":[...],"MISC":[...]}`.
 */
import { SlingError } from '../../../core/errors.ts';
import { approximateTokenCount, type ChatModel } from '../chat-model.ts';
import { lastUserText, promptOf, referenceOf, type EvalRow } from '../eval-row.ts';
import { parseJsonAnswer } from '../metrics/json-fields.ts';
import { learnPromptTemplate, stripPromptTemplate } from './prompt-template.ts';

/** Whitespace tokens with sentence punctuation split off (CoNLL text is already tokenized this way). */
export function entityTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const piece of text.split(/\s+/)) {
    if (!piece) continue;
    const match = /^([,;:!?"'()[\]{}]*)(.*?)([,;:!?"'()[\]{}]*)$/u.exec(piece)!;
    let core = match[2];
    let trailing = match[3];
    // A final period belongs to the sentence unless the word is an abbreviation such as "U.S.".
    if (core.endsWith('.') && core.length > 1 && !core.slice(0, -1).includes('.')) {
      trailing = '.' + trailing;
      core = core.slice(0, -1);
    }
    for (const part of [...match[1], core, ...trailing]) if (part) tokens.push(part);
  }
  return tokens;
}

export interface GazetteerOptions {
  name?: string;
  /** Minimum share of training occurrences in which a string was an entity (default 0.5). */
  minEntityRatio?: number;
}

export interface GazetteerModel extends ChatModel {
  types: string[];
  entries: Map<string, string>;
  extract(text: string): Record<string, string[]>;
}

export function trainGazetteer(rows: readonly EvalRow[], options: GazetteerOptions = {}): GazetteerModel {
  if (rows.length === 0) {
    throw new SlingError('baseline_no_training_rows', 'cannot build a gazetteer without training rows', {
      hint: 'make sure the dataset has rows with split "train"',
    });
  }
  const prompts = rows.map((row) => lastUserText(promptOf(row)));
  const template = learnPromptTemplate(prompts);
  const typeCounts = new Map<string, Map<string, number>>();
  const types: string[] = [];
  rows.forEach((row, index) => {
    const parsed = parseJsonAnswer(referenceOf(row, index));
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      throw new SlingError('baseline_bad_reference', 'reference answer is not a JSON object of entity lists', {
        line: index + 1,
        field: 'messages',
        hint: 'extraction rows must answer {"TYPE": ["entity", ...], ...}',
      });
    }
    for (const [type, entities] of Object.entries(parsed.value)) {
      if (!types.includes(type)) types.push(type);
      if (!Array.isArray(entities)) continue;
      for (const entity of entities) {
        const key = entityTokens(String(entity)).join(' ');
        const counts = typeCounts.get(key) ?? new Map<string, number>();
        counts.set(type, (counts.get(type) ?? 0) + 1);
        typeCounts.set(key, counts);
      }
    }
  });
  let maxLength = 1;
  for (const key of typeCounts.keys()) maxLength = Math.max(maxLength, key.split(' ').length);
  // How often does each gazetteer string occur in training text at all (as entity or not)?
  const occurrences = new Map<string, number>();
  for (const prompt of prompts) {
    const tokens = entityTokens(stripPromptTemplate(template, prompt));
    for (let start = 0; start < tokens.length; start++) {
      for (let length = 1; length <= maxLength && start + length <= tokens.length; length++) {
        const key = tokens.slice(start, start + length).join(' ');
        if (typeCounts.has(key)) occurrences.set(key, (occurrences.get(key) ?? 0) + 1);
      }
    }
  }
  const minRatio = options.minEntityRatio ?? 0.5;
  const entries = new Map<string, string>();
  for (const [key, counts] of typeCounts) {
    const [type, count] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    const total = [...counts.values()].reduce((sum, value) => sum + value, 0);
    if (total / Math.max(total, occurrences.get(key) ?? 0) >= minRatio && count > 0) entries.set(key, type);
  }
  const extract = (text: string): Record<string, string[]> => {
    const result: Record<string, string[]> = Object.fromEntries(types.map((type) => [type, [] as string[]]));
    const tokens = entityTokens(stripPromptTemplate(template, text));
    let start = 0;
    while (start < tokens.length) {
      let matched = 0;
      for (let length = Math.min(maxLength, tokens.length - start); length >= 1; length--) {
        const key = tokens.slice(start, start + length).join(' ');
        const type = entries.get(key);
        if (type) {
          result[type].push(key);
          matched = length;
          break;
        }
      }
      start += Math.max(matched, 1);
    }
    return result;
  };
  return {
    name: options.name ?? 'gazetteer-ner',
    kind: 'baseline',
    types,
    entries,
    extract,
    async complete(request) {
      const started = performance.now();
      const answer = JSON.stringify(extract(lastUserText(request.messages)));
      const elapsed = performance.now() - started;
      return {
        text: answer,
        inputTokens: approximateTokenCount(request.messages.map((message) => message.content).join('\n')),
        outputTokens: approximateTokenCount(answer),
        latencyMs: elapsed,
        computeMs: elapsed,
      };
    },
  };
}
