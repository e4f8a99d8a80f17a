/**
 * The two whitespace modes at the level of the byte automaton. Where whitespace may go is decided here from
 * the JSON grammar (outside strings, next to `{ [ , :` or `} ] , :`), independently of the frames: 'flexible'
 * must accept exactly those runs up to the limit, 'compact' none, and both must keep numbers and literals whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteTokenizer } from '../byte-tokenizer.ts';
import { advanceBytes, completionOf, isAccepting } from './json-automaton.ts';
import { jsonConstraint, type JsonWhitespace } from './json-constraint.ts';
import { flexibleWhitespace } from './schema-nodes.ts';

const tokenizer = new ByteTokenizer();

function accepts(schema: object | null, text: string, whitespace: JsonWhitespace): boolean {
  const format = schema === null ? { type: 'json_object' as const, whitespace } : { type: 'json_schema' as const, schema, whitespace };
  const state = advanceBytes(jsonConstraint(format, tokenizer).start(), new TextEncoder().encode(text));
  return state !== null && isAccepting(state);
}

const person = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 20 },
    age: { type: 'integer' },
    address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } }, required: ['city'] },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 4 },
    score: { type: 'number' },
    active: { type: 'boolean' },
    role: { enum: ['admin', 'user', null] },
  },
  required: ['name', 'age'],
};

/** Valid values per schema (object keys in schema order, as the automaton writes them). */
const cases: [string, object | null, unknown[]][] = [
  ['nested objects, optional fields', person, [
    { name: 'Ann', age: 31 },
    { name: 'Bo b', age: -2, address: { city: 'Oslo' }, tags: [], active: true },
    { name: 'C', age: 0, address: { city: 'a, b: {c}', zip: '0150' }, tags: ['x', 'y z'], score: -12.5, active: false, role: null },
    { name: '', age: 7, score: 0.125, role: 'admin' },
  ]],
  ['array of objects', { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, ok: { type: 'boolean' } }, required: ['id', 'ok'] }, minItems: 1 }, [
    [{ id: 1, ok: true }],
    [{ id: 1, ok: true }, { id: 22, ok: false }],
  ]],
  ['nested arrays of numbers', { type: 'array', items: { type: 'array', items: { type: 'number' } } }, [[], [[]], [[1, 2.5], [-3], []]]],
  ['enums and consts, also of objects and arrays', {
    type: 'object',
    properties: { color: { enum: ['red', 'green'] }, n: { enum: [1, 12] }, fixed: { const: { a: 1, b: [true, null] } }, pair: { enum: [[1, 2], [12], { k: 'v' }] } },
    required: ['color', 'n', 'fixed'],
  }, [
    { color: 'green', n: 12, fixed: { a: 1, b: [true, null] } },
    { color: 'red', n: 1, fixed: { a: 1, b: [true, null] }, pair: [1, 2] },
    { color: 'red', n: 1, fixed: { a: 1, b: [true, null] }, pair: { k: 'v' } },
  ]],
  ['json_object mode', null, [{}, { a: [1, { b: 'c d' }], e: null, f: false }]],
  ['scalars at the root', { type: 'integer' }, [42]],
];

/** Positions in a compact JSON text where whitespace would be layout (outside strings, next to a structural byte) or would split a token. */
function layoutPositions(text: string): { layout: number[]; inside: number[] } {
  const layout: number[] = [];
  const inside: number[] = [];
  let inString = false;
  let escaped = false;
  for (let index = 0; index < text.length - 1; index++) {
    const char = text[index];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    // Position index + 1 lies between char and the byte after it; inside a string whitespace is content.
    if (inString) continue;
    if ('{[,:'.includes(char) || '}],:'.includes(text[index + 1])) layout.push(index + 1);
    else inside.push(index + 1);
  }
  return { layout, inside };
}

for (const [label, schema, values] of cases) {
  test(`flexible accepts pretty-printed JSON, compact only the compact form (${label})`, () => {
    for (const value of values) {
      const compact = JSON.stringify(value);
      for (const pretty of [JSON.stringify(value, null, 2), JSON.stringify(value, null, '\t'), JSON.stringify(value, null, 2).replaceAll('\n', '\r\n')]) {
        assert.ok(accepts(schema, pretty, 'flexible'), pretty);
        if (pretty !== compact) assert.ok(!accepts(schema, pretty, 'compact'), pretty);
      }
      assert.ok(accepts(schema, compact, 'compact'), compact);
      assert.ok(accepts(schema, compact, 'flexible'), compact);
    }
  });

  test(`whitespace goes only between tokens, within the run limit (${label})`, () => {
    for (const value of values) {
      const compact = JSON.stringify(value);
      const { layout, inside } = layoutPositions(compact);
      const insert = (index: number, run: string) => compact.slice(0, index) + run + compact.slice(index);
      for (const index of layout) {
        for (const run of [' ', '\n', '\t', '\r', ' \n\t\r', ' '.repeat(flexibleWhitespace)]) {
          assert.ok(accepts(schema, insert(index, run), 'flexible'), JSON.stringify(insert(index, run)));
          assert.ok(!accepts(schema, insert(index, run), 'compact'), JSON.stringify(insert(index, run)));
        }
        assert.ok(!accepts(schema, insert(index, ' '.repeat(flexibleWhitespace + 1)), 'flexible'), `run over the limit at ${index} in ${compact}`);
      }
      // Inside numbers and literals (true, 12, "-" and digits) a space is never allowed.
      for (const index of inside) assert.ok(!accepts(schema, insert(index, ' '), 'flexible'), JSON.stringify(insert(index, ' ')));
      // The root value starts and ends the output: no whitespace around it.
      assert.ok(!accepts(schema, ` ${compact}`, 'flexible'));
      assert.ok(!accepts(schema, `${compact} `, 'flexible'));
    }
  });
}

test('flexible mode keeps numbers, literals and keys whole', () => {
  const schema = { type: 'object', properties: { ok: { type: 'boolean' }, n: { type: 'number' }, e: { enum: ['no', null, 12] } }, required: ['ok', 'n', 'e'] };
  for (const text of ['{"ok": tr ue, "n": 1, "e": null}', '{"ok": true, "n": 1 2, "e": null}', '{"ok": true, "n": - 1, "e": null}', '{"ok": true, "n": 1 .5, "e": null}', '{"ok": true, "n": 1. 5, "e": null}', '{"ok": true, "n": 1, "e": nu ll}', '{"ok": true, "n": 1, "e": 1 2}', '{"ok": true, "n": 1, "e": "n o"}', '{" ok": true, "n": 1, "e": null}', '{"ok" : true, "n" :1,"e":null }']) {
    assert.equal(accepts(schema, text, 'flexible'), text === '{"ok" : true, "n" :1,"e":null }', text);
  }
});

test('inside an enum value, whitespace before a closing bracket does not let a longer number through', () => {
  // After "[1" a space fits [1,2,3] (a comma follows) but not [12] (a digit follows): the run must rule out [12].
  const schema = { enum: [[1, 2, 3], [12]] };
  assert.ok(accepts(schema, '[1 , 2, 3]', 'flexible'));
  assert.ok(accepts(schema, '[12]', 'flexible'));
  assert.ok(!accepts(schema, '[1 2]', 'flexible'));
  const state = advanceBytes(jsonConstraint({ type: 'json_schema', schema, whitespace: 'flexible' }, tokenizer).start(), '[1 ');
  assert.ok(state);
  assert.equal(completionOf(state), ',2,3]');
});
