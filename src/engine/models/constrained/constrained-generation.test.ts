/**
 * Constrained decoding end to end on a real model and vocabulary (stories260K, SentencePiece with byte
 * fallback): 100 random schemas, sampled at temperature 1 (not only greedy), must all give JSON that parses
 * and validates (checked by the independent json-check, and by ajv in flexible-whitespace mode).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { generate } from '../generate/generate.ts';
import { seededRandom } from '../generate/seeded-random.ts';
import { stories260KDir, stories260KSkip as skip } from '../io/test-data.ts';
import { loadCheckpoint } from '../load-checkpoint.ts';
import { modelFromCheckpoint } from '../model-builders.ts';
import { schemaProblems } from './json-check.ts';
import { jsonConstraint } from './json-constraint.ts';
import { randomSchema } from './random-schema.ts';

test('100 random schemas, sampled generation on stories260K: 100% valid JSON', { skip }, async () => {
  const checkpoint = await loadCheckpoint(join(stories260KDir, 'stories260K.bin'));
  const model = modelFromCheckpoint(checkpoint);
  const { tokenizer } = checkpoint;
  const random = seededRandom(2024);
  const prompt = [tokenizer.bosId!, ...tokenizer.encode('The answer as JSON:')];
  let valid = 0;
  for (let index = 0; index < 100; index++) {
    const schema = randomSchema(random, 2);
    const format = { type: 'json_schema', schema } as const;
    const maxTokens = jsonConstraint(format, tokenizer).minimumTokens() + Math.floor(random() * 80);
    const result = generate(model, tokenizer, prompt, { maxTokens, temperature: 1, topP: 0.95, seed: index, responseFormat: format });
    const value = JSON.parse(result.text);
    assert.deepEqual(schemaProblems(value, schema), [], `${result.text} vs ${JSON.stringify(schema)}`);
    assert.ok(result.tokenIds.length <= maxTokens);
    valid++;
  }
  assert.equal(valid, 100);
});

test('flexible whitespace, 100 random schemas, sampled generation on stories260K: 100% valid JSON, some of it spaced out', { skip }, async () => {
  const checkpoint = await loadCheckpoint(join(stories260KDir, 'stories260K.bin'));
  const model = modelFromCheckpoint(checkpoint);
  const { tokenizer } = checkpoint;
  const random = seededRandom(2025);
  const ajv = new Ajv({ allowUnionTypes: true });
  const prompt = [tokenizer.bosId!, ...tokenizer.encode('The answer as JSON:')];
  let spaced = 0;
  for (let index = 0; index < 100; index++) {
    const schema = randomSchema(random, 2);
    const format = { type: 'json_schema', schema, whitespace: 'flexible' } as const;
    const maxTokens = jsonConstraint(format, tokenizer).minimumTokens() + Math.floor(random() * 80);
    const result = generate(model, tokenizer, prompt, { maxTokens, temperature: 1, topP: 0.95, seed: index, responseFormat: format });
    const value = JSON.parse(result.text);
    assert.deepEqual(schemaProblems(value, schema), [], `${result.text} vs ${JSON.stringify(schema)}`);
    const validate = ajv.compile(schema);
    assert.ok(validate(value), `${result.text} vs ${JSON.stringify(schema)}: ${ajv.errorsText(validate.errors)}`);
    assert.ok(result.tokenIds.length <= maxTokens);
    // Whitespace outside strings: layout the model chose and the constraint allowed.
    if (/\s/.test(result.text.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) spaced++;
  }
  assert.ok(spaced >= 10, `only ${spaced} of 100 outputs used whitespace between tokens`);
});

test('json_object mode on stories260K gives a JSON object within the token budget', { skip }, async () => {
  const checkpoint = await loadCheckpoint(join(stories260KDir, 'stories260K.bin'));
  const model = modelFromCheckpoint(checkpoint);
  const { tokenizer } = checkpoint;
  for (const maxTokens of [8, 30, 90]) {
    const result = generate(model, tokenizer, [tokenizer.bosId!], { maxTokens, temperature: 0.8, seed: maxTokens, responseFormat: { type: 'json_object' } });
    const value = JSON.parse(result.text);
    assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), result.text);
  }
});
