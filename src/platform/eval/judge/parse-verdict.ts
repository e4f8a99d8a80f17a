/**
 * @module platform/eval/judge/parse-verdict
 * Robust parsing of judge answers. Judges are asked for JSON but small models wander: they wrap JSON in
 * fences, answer "[[A]]" (MT-Bench style), "Winner: Output B", or "Verdict: PASS because ...". Parsing tries
 * JSON first, then explicit markers, then the first decisive phrase. Anything else is `null` (unparsed),
 * which is counted and reported, never guessed.
 */
import { parseJsonAnswer } from '../metrics/json-fields.ts';

export type PairVerdict = 'A' | 'B' | 'tie';

function jsonField(text: string, keys: string[]): { value: string | undefined; explanation: string } {
  const parsed = parseJsonAnswer(text);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return { value: undefined, explanation: '' };
  const record = parsed.value as Record<string, unknown>;
  const key = keys.find((candidate) => typeof record[candidate] === 'string');
  const explanation = ['explanation', 'reason', 'reasoning', 'rationale'].map((name) => record[name]).find((value) => typeof value === 'string');
  return { value: key ? (record[key] as string) : undefined, explanation: (explanation as string | undefined) ?? '' };
}

function pairFromWord(word: string): PairVerdict | null {
  const normalized = word.trim().toLowerCase().replace(/^(output|answer|response|assistant)\s*/, '').replace(/[^a-z]/g, '');
  if (normalized === 'a' || normalized === '1' || normalized === 'first') return 'A';
  if (normalized === 'b' || normalized === '2' || normalized === 'second') return 'B';
  if (normalized === 'tie' || normalized === 'draw' || normalized === 'equal' || normalized === 'both' || normalized === 'c') return 'tie';
  return null;
}

export function parsePairVerdict(text: string): { verdict: PairVerdict | null; explanation: string } {
  const json = jsonField(text, ['winner', 'verdict', 'better', 'choice', 'answer']);
  if (json.value !== undefined) {
    const verdict = pairFromWord(json.value);
    if (verdict) return { verdict, explanation: json.explanation };
  }
  const explanation = text.trim();
  // JSON cut off by the token limit still names its verdict first.
  const truncated = /"(?:winner|verdict)"\s*:\s*"([^"]+)"/i.exec(text);
  if (truncated && pairFromWord(truncated[1])) return { verdict: pairFromWord(truncated[1]), explanation };
  const bracket = /\[\[\s*(A|B|C|tie)\s*\]\]/i.exec(text);
  if (bracket) return { verdict: pairFromWord(bracket[1]), explanation };
  const labelled = /\b(?:winner|verdict|better(?: output)?|final answer|choice)\s*(?:is)?\s*[:=-]?\s*\**\s*(?:output|answer|response)?\s*\(?(A|B|tie|draw)\b/i.exec(text);
  if (labelled) return { verdict: pairFromWord(labelled[1]), explanation };
  if (/\b(it'?s a tie|tie|equally good|equally bad|both (?:are )?(?:equally|the same))\b/i.test(text)) return { verdict: 'tie', explanation };
  const named = /\b(?:output|answer|response)\s*\(?(A|B)\)?\s+(?:is|was)\s+(?:better|superior|preferred|more)/i.exec(text);
  if (named) return { verdict: pairFromWord(named[1]), explanation };
  return { verdict: null, explanation };
}

export function parsePassFail(text: string): { pass: boolean | null; reason: string } {
  const json = jsonField(text, ['verdict', 'result', 'pass', 'answer', 'grade']);
  if (json.value !== undefined) {
    const word = json.value.trim().toLowerCase();
    if (/^(pass|passed|yes|true)\b/.test(word)) return { pass: true, reason: json.explanation };
    if (/^(fail|failed|no|false)\b/.test(word)) return { pass: false, reason: json.explanation };
  }
  const parsed = parseJsonAnswer(text);
  if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && typeof (parsed.value as { pass?: unknown }).pass === 'boolean') {
    const record = parsed.value as { pass: boolean; reason?: unknown };
    return { pass: record.pass, reason: typeof record.reason === 'string' ? record.reason : '' };
  }
  const truncated = /"(?:verdict|result)"\s*:\s*"(pass|fail)/i.exec(text);
  if (truncated) return { pass: truncated[1].toLowerCase() === 'pass', reason: text.trim() };
  // First decisive word wins: "PASS. It does not fail to..." is a pass.
  const match = /\b(PASS(?:ED|ES)?|FAIL(?:ED|S)?)\b/i.exec(text);
  if (match) return { pass: match[1].toUpperCase().startsWith('PASS'), reason: text.trim() };
  return { pass: null, reason: text.trim() };
}
