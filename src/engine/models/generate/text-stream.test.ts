import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteTokenizer } from '../byte-tokenizer.ts';
import { TextStream } from './text-stream.ts';
import { argmax, sampleToken } from './sampling.ts';
import { seededRandom } from './seeded-random.ts';

const tokenizer = new ByteTokenizer();

test('multi-byte characters split across tokens are emitted once complete', () => {
  const stream = new TextStream(tokenizer);
  const ids = tokenizer.encode('é€🙂');
  const deltas = ids.map((id) => stream.push(id));
  // é is 2 bytes, € 3, 🙂 4: text appears only at the last byte of each character.
  assert.deepEqual(deltas, ['', 'é', '', '', '€', '', '', '', '🙂']);
  assert.equal(stream.finish(), '');
  assert.equal(stream.text, 'é€🙂');
});

test('stop strings cut the text and hold back possible prefixes', () => {
  const stream = new TextStream(tokenizer, ['\nUser:']);
  const deltas: string[] = [];
  for (const id of tokenizer.encode('Hi\nUs then\nUser: more')) {
    deltas.push(stream.push(id));
    if (stream.stopped) break;
  }
  assert.equal(stream.text, 'Hi\nUs then');
  assert.equal(deltas.join(''), 'Hi\nUs then');
  assert.equal(deltas[2], '', 'the newline is held back while it could start the stop string');
  assert.ok(stream.stopped);
});

test('greedy picks the argmax and respects the allowed mask', () => {
  const logits = Float32Array.from([0.1, 3, 2, 3]);
  assert.equal(argmax(logits), 1);
  assert.equal(sampleToken(Float32Array.from(logits), {}, seededRandom(1)), 1);
  assert.equal(sampleToken(Float32Array.from(logits), {}, seededRandom(1), [], Uint8Array.from([1, 0, 1, 0])), 2);
});

test('repetition penalty divides positive and multiplies negative logits', () => {
  const logits = Float32Array.from([2, -1, 1.5]);
  sampleToken(logits, { repetitionPenalty: 2 }, seededRandom(1), [0, 1]);
  assert.deepEqual(Array.from(logits), [1, -2, 1.5]);
});

test('sampling frequencies follow softmax(logits / temperature), top-k and top-p', () => {
  const logits = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.2)]);
  const random = seededRandom(7);
  const counts = [0, 0, 0];
  const draws = 20000;
  for (let i = 0; i < draws; i++) counts[sampleToken(Float32Array.from(logits), { temperature: 1 }, random)]++;
  assert.ok(Math.abs(counts[0] / draws - 0.5) < 0.02 && Math.abs(counts[2] / draws - 0.2) < 0.02, `${counts}`);
  const topK = [0, 0, 0];
  for (let i = 0; i < 5000; i++) topK[sampleToken(Float32Array.from(logits), { temperature: 1, topK: 2 }, random)]++;
  assert.equal(topK[2], 0);
  assert.ok(Math.abs(topK[0] / 5000 - 0.625) < 0.03);
  const topP = [0, 0, 0];
  for (let i = 0; i < 2000; i++) topP[sampleToken(Float32Array.from(logits), { temperature: 1, topP: 0.75 }, random)]++;
  assert.equal(topP[2], 0, 'top-p 0.75 keeps 0.5 + 0.3 only');
  assert.ok(topP[1] > 0);
});
