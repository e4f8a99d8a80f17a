import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SlingError } from '../../../core/errors.ts';
import { readLlama2cTokenizer } from '../../models/tokenizer/llama2c-tokenizer.ts';
import { DataPlan, splitForValidation } from './data-plan.ts';
import { IGNORE_INDEX, packSequences } from './pack-sequences.ts';
import { parseTrainingText } from './read-examples.ts';
import { renderExample, renderPlain } from './render-example.ts';
import { tokenizeExample } from './tokenize-example.ts';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');
const tokenizerPath = join(dataDir, 'stories260K/tok512.bin');

test('bad rows are reported with file, line and field; skip-invalid counts them', () => {
  const text = [
    '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}',
    '{"messages": [{"role": "user", "content": "hi"}, {"role": "user", "content": "again"}]}',
    'not json',
    '{"prompt": "a", "completion": 3}',
    '',
    '{"prompt": "2+2=", "completion": "4"}',
    '{"messages": [{"role": "bot", "content": "x"}, {"role": "assistant", "content": "y"}]}',
  ].join('\n');
  assert.throws(() => parseTrainingText(text, 'train.jsonl'), (error: unknown) => {
    assert.ok(SlingError.isInstance(error));
    assert.equal(error.line, 2);
    assert.equal(error.field, 'messages[1].role');
    assert.match(error.message, /train\.jsonl, line 2, field "messages\[1\]\.role"/);
    return true;
  });
  const { rows, skipped } = parseTrainingText(text, 'train.jsonl', { skipInvalid: true });
  assert.equal(rows.length, 2);
  assert.deepEqual(skipped.map((error) => [error.line, error.field]), [[2, 'messages[1].role'], [3, undefined], [4, 'completion'], [7, 'messages[0].role']]);
});

test('plain template renders the prompt as a prefix and the answer as completion', () => {
  const { rows } = parseTrainingText('{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}', 'f');
  const rendered = renderExample(rows[0], 'f');
  assert.equal(rendered.prompt, '### System:\nBe brief.\n\n### User:\nHi\n\n### Assistant:\n');
  assert.equal(rendered.completion, 'Hello.');
  assert.equal(renderPlain([{ role: 'user', content: 'x' }], false), '### User:\nx\n\n');
});

test('a chat-template renderer is used when given; its prompt must prefix the full text', () => {
  const { rows } = parseTrainingText('{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}', 'f');
  const renderer = (messages: { role: string; content: string }[], generation: boolean) =>
    messages.map((m) => `<|${m.role}|>${m.content}<|end|>`).join('') + (generation ? '<|assistant|>' : '');
  assert.deepEqual(renderExample(rows[0], 'f', renderer), { prompt: '<|user|>Hi<|end|><|assistant|>', completion: 'Yo<|end|>', line: 1 });
});

test('completion-only targets and packing that keeps examples apart', (context) => {
  if (!existsSync(tokenizerPath)) return context.skip(`${tokenizerPath} not found`);
  const tokenizer = readLlama2cTokenizer(tokenizerPath);
  const a = tokenizeExample({ prompt: 'Once upon a time', completion: ' there was a cat.', line: 1 }, tokenizer);
  const b = tokenizeExample({ prompt: 'The dog', completion: ' ran.', line: 2 }, tokenizer);
  assert.equal(a.ids[0], 1);
  assert.equal(a.ids[a.ids.length - 1], 2);
  assert.equal(tokenizer.decode(a.ids.filter((_, i) => a.trainable[i])), ' there was a cat.'.trim());
  const { sequences } = packSequences([a, b], a.ids.length + b.ids.length + 3, true);
  assert.equal(sequences.length, 1);
  const sequence = sequences[0];
  const n = a.ids.length;
  assert.equal(sequence.positions[n], 0);
  assert.equal(sequence.segments[n], 1);
  assert.equal(sequence.segments[n + b.ids.length], -1);
  assert.equal(sequence.targets[n - 1], IGNORE_INDEX, 'the last token of an example never predicts the next example');
  const completionStart = a.trainable.indexOf(1);
  assert.equal(sequence.targets[completionStart - 1], a.ids[completionStart]);
  assert.equal(sequence.targets[completionStart - 2], IGNORE_INDEX);
  const expectedTargets = a.trainable.reduce((s, x) => s + x, 0) + b.trainable.reduce((s, x) => s + x, 0);
  assert.equal(sequence.targetCount, expectedTargets);
  assert.equal(packSequences([a, b], 512, false).sequences.length, 2);
});

test('the data plan is a pure function of the seed and the step index', () => {
  const examples = Array.from({ length: 23 }, (_, i) => ({ ids: [1, 10 + i, 20 + i, 2], trainable: Uint8Array.from([0, 0, 1, 1]), line: i + 1 }));
  const options = { seed: 3, epochs: 2, batchSize: 2, gradientAccumulation: 2, sequenceLength: 8, packing: true, maxSteps: 0 };
  const plan = new DataPlan(examples, options);
  const again = new DataPlan(examples, options);
  assert.equal(plan.totalSteps, 6);
  for (const index of [5, 0, 3]) assert.deepEqual(plan.step(index), again.step(index));
  assert.notDeepEqual(plan.step(0).microBatches[0][0].ids, plan.step(3).microBatches[0][0].ids);
  assert.equal(new DataPlan(examples, { ...options, epochs: 0.5 }).totalSteps, 2);
  const split = splitForValidation(examples, 0.1, 1);
  assert.equal(split.validation.length, 2);
  assert.equal(split.train.length, 21);
});
