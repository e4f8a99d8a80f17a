import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { ByteTokenizer } from '../byte-tokenizer.ts';
import { seededRandom, type Random } from '../generate/seeded-random.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { schemaProblems } from './json-check.ts';
import { jsonConstraint, type ResponseFormat } from './json-constraint.ts';
import { advanceBytes, completionLength, completionOf, isAccepting } from './json-automaton.ts';
import { randomSchema } from './random-schema.ts';

/** Byte tokens plus multi-byte pieces, like a real BPE vocabulary with byte fallback. */
function piecesTokenizer(extra: string[]): Tokenizer {
  return new (class extends ByteTokenizer {
    override readonly vocabSize = 259 + extra.length;
    override tokenBytes(id: number): Uint8Array {
      return id >= 259 ? new TextEncoder().encode(extra[id - 259]) : super.tokenBytes(id);
    }
    override isSpecial(id: number): boolean {
      return id >= 256 && id < 259;
    }
  })();
}

const pieces = ['{"', '":', '",', '"}', 'name', 'true', 'null', '12', 'a"', '],', '[{', 'red', '"na', 'me"', '0.', 'é"', ' ', ':"', '\\n', ',"'];
/** Pieces with layout whitespace as pretty-printing BPE vocabularies have them, runs at and over the limit among them. */
const layoutPieces = [...pieces, '  ', '\n', '\n  ', '\n    ', '\t', '\r\n', ': ', ', ', ',\n  "', '{\n  "', '\n}', '[\n', ' '.repeat(16), ' '.repeat(17), '1 ', ' "', '" '];

/** Samples uniformly among allowed tokens (with a bias to EOS) — a worst case for termination. */
function generate(format: ResponseFormat, tokenizer: Tokenizer, random: Random, maxTokens: number, bruteForce = false): string {
  const constraint = jsonConstraint(format, tokenizer);
  // generate() refuses budgets below the shortest value.
  maxTokens = Math.max(maxTokens, constraint.minimumTokens());
  let state = constraint.start();
  const bytes: number[] = [];
  for (let step = 0; step < maxTokens; step++) {
    if (constraint.isDone(state)) break;
    const mask = constraint.allowedTokens(state, maxTokens - step);
    if (bruteForce) {
      const ended = advanceBytes(state, completionOf(state));
      assert.ok(ended && isAccepting(ended), `the ending ${JSON.stringify(completionOf(state))} does not end ${JSON.stringify(new TextDecoder().decode(Uint8Array.from(bytes)))}`);
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

for (const [label, tokenizer] of [['bytes', new ByteTokenizer()], ['pieces', piecesTokenizer(pieces)]] as const) {
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

for (const whitespace of ['compact', 'flexible'] as const) {
  test(`memoised masks equal a brute-force check of every token from the exact state (${whitespace})`, () => {
    const random = seededRandom(whitespace === 'compact' ? 77 : 78);
    const tokenizer = piecesTokenizer(whitespace === 'compact' ? pieces : layoutPieces);
    for (let index = 0; index < 80; index++) {
      const schema = randomSchema(random, 2);
      generate({ type: 'json_schema', schema, whitespace }, tokenizer, random, 20 + Math.floor(random() * 80), true);
    }
    for (let index = 0; index < 20; index++) generate({ type: 'json_object', whitespace }, tokenizer, random, 5 + index * 4, true);
  });
}

/** Whitespace outside strings, i.e. layout the constraint let through. */
const hasLayout = (text: string) => /\s/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'));

test('flexible mode: random walks over 150 random schemas give valid JSON (ajv agrees), many with layout whitespace', () => {
  const random = seededRandom(5);
  const tokenizer = piecesTokenizer(layoutPieces);
  const ajv = new Ajv({ allowUnionTypes: true });
  let spaced = 0;
  for (let index = 0; index < 150; index++) {
    const schema = randomSchema(random, 2);
    const text = generate({ type: 'json_schema', schema, whitespace: 'flexible' }, tokenizer, random, 30 + Math.floor(random() * 150));
    const value = JSON.parse(text);
    assert.deepEqual(schemaProblems(value, schema), [], `${text} vs ${JSON.stringify(schema)}`);
    const validate = ajv.compile(schema);
    assert.ok(validate(value), `${text} vs ${JSON.stringify(schema)}: ${ajv.errorsText(validate.errors)}`);
    if (hasLayout(text)) spaced++;
  }
  assert.ok(spaced >= 40, `only ${spaced} of 150 outputs have layout whitespace`);
});

test('flexible mode accepts the pretty-printed form of every value a compact random walk writes', () => {
  const random = seededRandom(6);
  const tokenizer = new ByteTokenizer();
  for (let index = 0; index < 150; index++) {
    const schema = randomSchema(random, 2);
    const value = JSON.parse(generate({ type: 'json_schema', schema }, tokenizer, random, 30 + Math.floor(random() * 150)));
    for (const whitespace of ['compact', 'flexible'] as const) {
      const constraint = jsonConstraint({ type: 'json_schema', schema, whitespace }, tokenizer);
      const accepts = (text: string) => {
        const state = advanceBytes(constraint.start(), new TextEncoder().encode(text));
        return state !== null && isAccepting(state);
      };
      for (const pretty of [JSON.stringify(value, null, 2), JSON.stringify(value, null, '\t')]) {
        assert.equal(accepts(pretty), whitespace === 'flexible' || !hasLayout(pretty), `${whitespace}: ${pretty} vs ${JSON.stringify(schema)}`);
      }
      assert.ok(accepts(JSON.stringify(value)));
    }
  }
});

test('json_object mode gives an object; the token budget forces a close', () => {
  const tokenizer = piecesTokenizer(pieces);
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
