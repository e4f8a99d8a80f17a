/**
 * Schema keywords beyond plain types ($ref, nullable, oneOf, keywords beside anyOf/oneOf/$ref,
 * additionalProperties, keywords without a type): whatever the compiled grammar lets a random walk write
 * validates with ajv, and what cannot be compiled exactly is refused with schema_unsupported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { SlingError } from '../../../core/errors.ts';
import { ByteTokenizer } from '../byte-tokenizer.ts';
import { seededRandom, type Random } from '../generate/seeded-random.ts';
import { jsonConstraint } from './json-constraint.ts';

const tokenizer = new ByteTokenizer();

/** A uniform walk over allowed byte tokens, ending at EOS with probability 0.3 once the value is complete. */
function randomText(schema: object, random: Random, maxTokens = 80): string {
  const constraint = jsonConstraint({ type: 'json_schema', schema }, tokenizer);
  let state = constraint.start();
  const bytes: number[] = [];
  for (let step = 0; step < maxTokens && !constraint.isDone(state); step++) {
    const mask = constraint.allowedTokens(state, maxTokens - step);
    if (constraint.isComplete(state) && random() < 0.3) break;
    const allowed = [...mask.keys()].filter((id) => mask[id] && !tokenizer.eosIds.includes(id));
    if (allowed.length === 0) break;
    const id = allowed[Math.floor(random() * allowed.length)];
    state = constraint.advanceToken(state, id);
    bytes.push(id);
  }
  assert.ok(constraint.isComplete(state));
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

const point = { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'], additionalProperties: false };
const accepted: [string, object][] = [
  ['$ref to $defs', { $defs: { Point: point }, type: 'object', properties: { a: { $ref: '#/$defs/Point' }, b: { type: 'array', items: { $ref: '#/$defs/Point' }, maxItems: 2 } }, required: ['a'] }],
  ['$ref to definitions at the root, with a description beside it', { definitions: { Color: { enum: ['red', 'green'] } }, $ref: '#/definitions/Color', description: 'a color' }],
  ['nullable', { type: 'string', nullable: true, maxLength: 4 }],
  ['oneOf of disjoint types', { oneOf: [{ type: 'integer' }, { type: 'string', maxLength: 3 }, { type: 'null' }] }],
  ['keywords beside anyOf bind every alternative', { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'boolean' } }, anyOf: [{ required: ['a'] }] }],
  ['true as an alternative takes the keywords beside it', { type: 'integer', anyOf: [true] }],
  ['required beside oneOf and in it', { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'boolean' } }, required: ['a'], oneOf: [{ required: ['b'] }] }],
  ['additionalProperties false without properties', { type: 'object', additionalProperties: false }],
  ['additionalProperties as a schema without properties', { type: 'object', additionalProperties: { type: 'integer' } }],
  ['maxLength without a type', { maxLength: 3 }],
  ['properties without a type', { properties: { a: { type: 'boolean' } }, required: ['a'] }],
  ['items without a type', { items: { type: 'null' }, maxItems: 2 }],
];

for (const [label, schema] of accepted) {
  test(`random walks validate with ajv: ${label}`, () => {
    const validate = new Ajv().compile(schema);
    const random = seededRandom(label.length);
    for (let index = 0; index < 60; index++) {
      const text = randomText(schema, random);
      assert.ok(validate(JSON.parse(text)), `${text}: ${JSON.stringify(validate.errors)}`);
    }
  });
}

const refused: [string, object, RegExp][] = [
  ['a recursive $ref', { $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } }, $ref: '#/$defs/Node' }, /recursive reference/],
  ['a remote $ref', { $ref: 'https://example.com/schema.json' }, /only local references/],
  ['a $ref to nothing', { $ref: '#/$defs/Missing' }, /points at nothing/],
  ['oneOf of integer and number', { oneOf: [{ type: 'integer' }, { type: 'number' }] }, /overlap/],
  ['oneOf repeating a value', { oneOf: [{ enum: ['a', 'b'] }, { const: 'a' }] }, /share a value/],
  ['an empty anyOf', { anyOf: [] }, /at least one schema/],
  ['properties both beside oneOf and in it', { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'], oneOf: [{ properties: { b: { type: 'boolean' } }, required: ['b'] }] }, /set both beside/],
  ['additionalProperties beside anyOf, properties in it', { type: 'object', additionalProperties: false, anyOf: [{ properties: { a: { type: 'integer' } } }] }, /additionalProperties and properties are split/],
  ['properties beside $ref that the target closes', { $defs: { Point: point }, $ref: '#/$defs/Point', properties: { z: { type: 'number' } } }, /set both beside/],
];

for (const [label, schema, message] of refused) {
  test(`refused with schema_unsupported: ${label}`, () => {
    assert.throws(() => jsonConstraint({ type: 'json_schema', schema }, tokenizer), (error) => SlingError.isInstance(error) && error.code === 'schema_unsupported' && message.test(error.message));
  });
}
