/**
 * @module platform/eval/metrics/label-parse
 * Lenient label parsing: models answer "The answer is: Positive." when the label is `positive`.
 * Rules, in order: (1) the whole answer, lowercased and stripped of punctuation, equals a label;
 * (2) otherwise the label mentioned first as a whole word wins; at the same position the longer label
 * wins (so "very positive" beats "positive" when both are labels). Mentioning more than one distinct
 * label marks the answer ambiguous (reported, still scored by first mention). No label → null.
 */

export interface ParsedLabel {
  label: string | null;
  ambiguous: boolean;
}

export function normalizeLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function parseLabel(output: string, labels: readonly string[]): ParsedLabel {
  const normalized = normalizeLabel(output);
  const candidates = labels.map((label) => ({ label, normal: normalizeLabel(label) })).filter((entry) => entry.normal !== '');
  const whole = candidates.find((entry) => entry.normal === normalized);
  if (whole) return { label: whole.label, ambiguous: false };
  const padded = ` ${normalized} `;
  let best: { label: string; position: number; length: number } | null = null;
  const mentioned = new Set<string>();
  for (const entry of candidates) {
    const position = padded.indexOf(` ${entry.normal} `);
    if (position < 0) continue;
    mentioned.add(entry.label);
    const better =
      best === null || position < best.position || (position === best.position && entry.normal.length > best.length);
    if (better) best = { label: entry.label, position, length: entry.normal.length };
  }
  if (best === null) return { label: null, ambiguous: false };
  // A label that is only part of a longer mentioned label ("positive" inside "very positive") is not a second mention.
  const distinct = [...mentioned].filter(
    (label) =>
      ![...mentioned].some((other) => other !== label && ` ${normalizeLabel(other)} `.includes(` ${normalizeLabel(label)} `)),
  );
  return { label: best.label, ambiguous: distinct.length > 1 };
}
