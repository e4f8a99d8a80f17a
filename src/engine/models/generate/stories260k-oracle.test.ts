import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { stories260KDir, stories260KSkip } from '../io/test-data.ts';
import { loadCheckpoint } from '../load-checkpoint.ts';
import { modelFromCheckpoint } from '../model-builders.ts';
import { generate } from './generate.ts';

// The oracle from ../shared/data/stories260K/README.md (llama2.c run.c, temperature 0, from BOS).
const oracle =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\n' +
  'Lily\'s mom said, "Lily, let\'s go to the park." Lily was sad and didn\'t know what to do. She said, "I want to play with your ball, but I can\'t find it."';

for (const file of ['stories260K.bin', 'stories260K.gguf']) {
  test(`stories260K greedy decoding from BOS reproduces the llama2.c oracle (${file})`, { skip: stories260KSkip }, async () => {
    const checkpoint = await loadCheckpoint(join(stories260KDir, file));
    const model = modelFromCheckpoint(checkpoint);
    const { tokenizer } = checkpoint;
    const result = generate(model, tokenizer, [tokenizer.bosId!], { maxTokens: 256, stopAtEos: false });
    assert.ok(result.text.startsWith(oracle), `got:\n${result.text}`);
  });
}
