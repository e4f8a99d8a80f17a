import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteTokenizer } from '../byte-tokenizer.ts';
import { seededRandom, type Random } from '../generate/seeded-random.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { schemaProblems } from './json-check.ts';
import { jsonConstraint, type ResponseFormat } from './json-constraint.ts';
import { advanceBytes, completionLength, completionOf, isAccepting } from './json-automaton.ts';
import { randomSchema } from './random-schema.ts';

/** Byte tokens plus some multi-byte pieces, like a real BPE vocabulary with byte fallback. */
class PiecesTokenizer extends ByteTokenizer {
  private readonly extra = ['{"', '":', '",', '"}', 'name', 'true', 'null', '12', 'a"', '],', '[{', 'red', '"na', 'me"', '0.', 'é"', ' ', ':"', '\\n', ',"'];
  override readonly vocabSize = 259 + this.extra.length;
  override tokenBytes(id: number): Uint8Array {
    return id >= 259 ? new TextEncoder().encode(this.extra[id - 259]) : super.tokenBytes(id);
  }
  override isSpecial(id: number): boolean {
    return id >= 256 && id < 259;
  }
}

/** Samples uniformly among allowed tokens (with a bias to EOS) — a worst case for termination. */
function generate(format: ResponseFormat, tokenizer: Tokenizer, random: Random, maxTokens: number, bruteForce = false): string {
  const constraint = jsonConstraint(format, tokenizer);
  let state = constraint.start();
  const bytes: number[] = [];
  for (let step = 0; step < maxTokens; step++) {
    if (constraint.isDone(state)) break;
    const mask = constraint.allowedTokens(state, maxTokens - step);
    if (bruteForce) {
      // The memoised mask (clamped state keys, cached ending deltas) equals advancing every token from this exact state.
      for (let id = 0; id < tokenizer.vocabSize; id++) {
        const eos = tokenizer.eosIds.includes(id);
        const next = eos || tokenizer.isSpecial(id) ? null : advanceBytes(state, tokenizer.tokenBytes(id));
        if (next) assert.equal(completionLength(next), completionOf(next).length);
        const expected = eos ? isAccepting(state) : next !== null && completionOf(next).length + 1 <= maxTokens - step - 1;
        assert.equal(mask[id] === 1, expected, `token ${id} at step ${step} after ${JSON.stringify(new TextDecoder().decode(Uint8Array.from(bytes)))} (${JSON.stringify(format)}), ending ${JSON.stringify(completionOf(state))} → ${next ? JSON.stringify(completionOf(next)) : "rejected"}`);
      }
    }
    const allowed = [...mask.keys()].filter((id) => mask[id]);
    assert.ok(allowed.length > 0, `no token allowed at step ${step} after ${JSON.stringify(new TextDecoder().decode(Uint8Array.from(bytes)))}`);
    const eos = tokenizer.eosIds.find((id) => mask[id]);
    const id = eos !== undefined && random() < 0.3 ? eos : allowed[Math.floor(random() * allowed.length)];
    if (tokenizer.eosIds.includes(id)) break;
    state = constraint.advanceToken(state, id);
    bytes.push(...tokenizer.tokenBytes(id));
  }
  assert.ok(constraint.isComplete(state), 'generation ended with a complete value');
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
}

for (const [label, tokenizer] of [['bytes', new ByteTokenizer()], ['pieces', new PiecesTokenizer()]] as const) {
  test(`random walks over 150 random schemas always give valid JSON (${label} vocabulary)`, () => {
    const random = seededRandom(label.length);
    for (let index = 0; index < 150; index++) {
      const schema = randomSchema(random, 2);
      const maxTokens = 30 + Math.floor(random() * 150);
      const text = generate({ type: 'json_schema', schema }, tokenizer, random, maxTokens);
      const value = JSON.parse(text);
      assert.deepEqual(schemaProblems(value, schema), [], `${text} vs ${JSON.stringify(schema)}`);
    }
  });
}

test('memoised masks equal a brute-force check of every token from the exact state', () => {
  const random = seededRandom(77);
  const tokenizer = new PiecesTokenizer();
  for (let index = 0; index < 80; index++) {
    const schema = randomSchema(random, 2);
    generate({ type: 'json_schema', schema }, tokenizer, random, 20 + Math.floor(random() * 80), true);
  }
  for (let index = 0; index < 20; index++) generate({ type: 'json_object' }, tokenizer, random, 5 + index * 4, true);
});

test('json_object mode gives an object; the token budget forces a close', () => {
  const tokenizer = new PiecesTokenizer();
  const random = seededRandom(3);
  for (let index = 0; index < 40; index++) {
    const text = generate({ type: 'json_object' }, tokenizer, random, 3 + index * 3);
    const value = JSON.parse(text);
    assert.equal(typeof value, 'object');
    assert.ok(value !== null && !Array.isArray(value));
  }
});

test('required properties appear, in schema order, and enums are respected', () => {
  const schema = { type: 'object', properties: { name: { type: 'string', maxLength: 5 }, color: { enum: ['red', 'green'] }, n: { type: 'integer' } }, required: ['name', 'color', 'n'] };
  const random = seededRandom(11);
  for (let index = 0; index < 30; index++) {
    const value = JSON.parse(generate({ type: 'json_schema', schema }, new ByteTokenizer(), random, 60));
    assert.deepEqual(Object.keys(value), ['name', 'color', 'n']);
    assert.ok(['red', 'green'].includes(value.color));
    assert.ok(Number.isInteger(value.n));
  }
});

test('unsupported keywords fail with a clear error', () => {
  assert.throws(() => jsonConstraint({ type: 'json_schema', schema: { type: 'string', pattern: '^a' } }, new ByteTokenizer()), /pattern.*not supported/);
});
