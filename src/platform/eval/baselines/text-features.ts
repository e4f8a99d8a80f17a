/**
 * @module platform/eval/baselines/text-features
 * TF-IDF features, following scikit-learn's TfidfVectorizer conventions so numbers are comparable:
 * lowercase, tokens of 2+ word characters, optional word n-grams, vocabulary of terms in at least
 * `minDocumentFrequency` training documents, smoothed idf = ln((1+n)/(1+df)) + 1, sublinear tf = 1 + ln(tf),
 * each document vector scaled to unit L2 norm.
 */

export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

export interface TfidfOptions {
  minDocumentFrequency?: number;
  /** Largest n-gram length; 1 = unigrams only. */
  maxNgram?: number;
  sublinearTf?: boolean;
}

export interface TfidfModel {
  vocabulary: Map<string, number>;
  idf: Float64Array;
  sublinearTf: boolean;
  maxNgram: number;
}

export function textTerms(text: string, maxNgram: number): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}_]{2,}/gu) ?? [];
  const terms = [...words];
  for (let n = 2; n <= maxNgram; n++) {
    for (let i = 0; i + n <= words.length; i++) terms.push(words.slice(i, i + n).join(' '));
  }
  return terms;
}

export function fitTfidf(documents: readonly string[], options: TfidfOptions = {}): TfidfModel {
  const minDocumentFrequency = options.minDocumentFrequency ?? 1;
  const maxNgram = options.maxNgram ?? 1;
  const documentFrequency = new Map<string, number>();
  for (const document of documents) {
    for (const term of new Set(textTerms(document, maxNgram))) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  // Sorted vocabulary makes feature indices independent of document order.
  const kept = [...documentFrequency.entries()].filter(([, count]) => count >= minDocumentFrequency).map(([term]) => term).sort();
  const vocabulary = new Map(kept.map((term, index) => [term, index]));
  const idf = new Float64Array(kept.length);
  kept.forEach((term, index) => {
    idf[index] = Math.log((1 + documents.length) / (1 + documentFrequency.get(term)!)) + 1;
  });
  return { vocabulary, idf, sublinearTf: options.sublinearTf ?? true, maxNgram };
}

export function transformTfidf(model: TfidfModel, text: string): SparseVector {
  const counts = new Map<number, number>();
  for (const term of textTerms(text, model.maxNgram)) {
    const index = model.vocabulary.get(term);
    if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const values = new Float64Array(indices.length);
  let norm = 0;
  indices.forEach((index, position) => {
    const count = counts.get(index)!;
    const tf = model.sublinearTf ? 1 + Math.log(count) : count;
    values[position] = tf * model.idf[index];
    norm += values[position] * values[position];
  });
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < values.length; i++) values[i] /= norm;
  return { indices, values };
}
