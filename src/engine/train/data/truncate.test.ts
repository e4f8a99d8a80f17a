import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packSequences, truncateKeepingCompletion } from './pack-sequences.ts';

test('an over-long example loses the tail of its prompt, never its completion', () => {
  const example = { ids: [1, 2, 3, 4, 5, 6, 7, 8], trainable: Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 1]), line: 3 };
  const cut = truncateKeepingCompletion(example, 5);
  assert.deepEqual(cut.ids, [1, 2, 3, 7, 8]);
  assert.deepEqual([...cut.trainable], [0, 0, 0, 1, 1]);
  const { sequences, truncated } = packSequences([example], 5, false);
  assert.equal(truncated, 1);
  // position 2 predicts the first completion token (7), position 3 predicts 8
  assert.deepEqual([...sequences[0].targets], [-100, -100, 7, 8, -100]);
  assert.equal(sequences[0].targetCount, 2);
});

test('a completion longer than the sequence keeps its start', () => {
  const example = { ids: [1, 2, 3, 4, 5], trainable: Uint8Array.from([0, 1, 1, 1, 1]), line: 1 };
  assert.deepEqual(truncateKeepingCompletion(example, 3).ids, [1, 2, 3]);
});
