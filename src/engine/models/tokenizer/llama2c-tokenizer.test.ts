import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readLlama2cTokenizer } from './llama2c-tokenizer.ts';

const dataDir = fileURLToPath(new URL('../../../../../shared/data/stories260K/', import.meta.url));
const skip = existsSync(dataDir) ? false : `shared data folder ${dataDir} is absent`;

test('tok512.bin round-trips text through encode/decode', { skip }, () => {
  const tokenizer = readLlama2cTokenizer(dataDir + 'tok512.bin', 512);
  assert.equal(tokenizer.vocabSize, 512);
  const text = 'Once upon a time, there was a little girl named Lily.';
  const ids = tokenizer.encode(text, { addBos: true });
  assert.equal(ids[0], 1);
  assert.equal(tokenizer.decode(ids), text);
  // Byte fallback: characters outside the vocabulary become <0xXX> tokens (id = byte + 3).
  const emoji = tokenizer.encode('🙂');
  assert.deepEqual(emoji.slice(1), [0xf0 + 3, 0x9f + 3, 0x99 + 3, 0x82 + 3]);
  assert.equal(tokenizer.decode(emoji), '🙂');
  assert.deepEqual([...tokenizer.tokenBytes(0x41 + 3)], [0x41]);
  assert.equal(tokenizer.tokenBytes(1).length, 0);
  assert.ok(tokenizer.isSpecial(2));
});

test('a tokenizer whose size does not match the model is rejected', { skip }, () => {
  assert.throws(() => readLlama2cTokenizer(dataDir + 'tok512.bin', 32000), (error: Error) => /tokenizer_mismatch|512 tokens.*32000/.test(error.message) && error.message.includes('tok512.bin'));
});
