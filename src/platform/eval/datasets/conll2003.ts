/**
 * @module platform/eval/datasets/conll2003
 * CoNLL-2003 English NER files (`TOKEN POS CHUNK NER` per line, blank line between sentences, `-DOCSTART-`
 * lines between documents, IOB2 tags) read into canonical extraction rows: the user message asks for
 * entities of the sentence (tokens joined by spaces), the reference answer is
 * `{"PER":[...],"ORG":[...],"LOC":[...],"MISC":[...]}` with entities in sentence order.
 */
import { readFileSync } from 'node:fs';
import { SlingError } from '../../../core/errors.ts';
import type { EvalRow } from '../eval-row.ts';

export const CONLL_TYPES = ['PER', 'ORG', 'LOC', 'MISC'] as const;

export const CONLL_INSTRUCTION =
  'Extract the named entities from the sentence. Answer with JSON only: {"PER": [...], "ORG": [...], "LOC": [...], "MISC": [...]} ' +
  '(people, organizations, locations, other names), each entity written exactly as in the sentence.';

export interface ConllSentence {
  tokens: string[];
  tags: string[];
  /** 1-based line of the sentence's first token, for error messages. */
  line: number;
}

export function readConllSentences(path: string): ConllSentence[] {
  const sentences: ConllSentence[] = [];
  let current: ConllSentence | null = null;
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('-DOCSTART-')) {
        if (current) sentences.push(current);
        current = null;
        return;
      }
      const fields = line.split(' ');
      const tag = fields.at(-1)!;
      if (fields.length < 2 || !/^(O|[BI]-[A-Z]+)$/.test(tag)) {
        throw new SlingError('dataset_bad_row', `expected "TOKEN ... TAG" with an IOB2 tag, got "${line}"`, {
          file: path,
          line: index + 1,
          field: 'ner',
        });
      }
      current ??= { tokens: [], tags: [], line: index + 1 };
      current.tokens.push(fields[0]);
      current.tags.push(tag);
    });
  if (current) sentences.push(current);
  return sentences;
}

/** IOB2 tags → entities; an I- tag that does not continue an entity of its type starts a new one. */
export function entitiesOf(sentence: ConllSentence): Record<string, string[]> {
  const result: Record<string, string[]> = Object.fromEntries(CONLL_TYPES.map((type) => [type, [] as string[]]));
  let open: { type: string; tokens: string[] } | null = null;
  const close = () => {
    if (open) (result[open.type] ??= []).push(open.tokens.join(' '));
    open = null;
  };
  sentence.tags.forEach((tag, i) => {
    if (tag === 'O') return close();
    const [prefix, type] = tag.split('-');
    if (prefix === 'B' || open === null || open.type !== type) {
      close();
      open = { type, tokens: [] };
    }
    open!.tokens.push(sentence.tokens[i]);
  });
  close();
  return result;
}

export function conllRow(sentence: ConllSentence, split: string): EvalRow {
  const text = sentence.tokens.join(' ');
  return {
    messages: [
      { role: 'user', content: `${CONLL_INSTRUCTION}\n\nSentence: ${text}` },
      { role: 'assistant', content: JSON.stringify(entitiesOf(sentence)) },
    ],
    split,
    metadata: { source: 'conll2003', line: sentence.line },
  };
}

/** Reads `train.txt`, `valid.txt` or `test.txt` from the CoNLL-2003 folder as rows of the given split. */
export function readConll2003(path: string, split: string): EvalRow[] {
  return readConllSentences(path).map((sentence) => conllRow(sentence, split));
}
