import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stories260KDir, stories260KSkip as skip } from '../io/test-data.ts';
import { HfTokenizer } from './hf-tokenizer.ts';
import { readLlama2cTokenizer } from './llama2c-tokenizer.ts';
import { byteLevelTokenizerJson, llamaTokenizerJson } from './spm-to-hf.ts';

const texts = ['Once upon a time', 'Hello world!', ' leading space', 'a  b\n\nc', 'café 🙂 日本', 'Lily\'s mom said, "Lily, let\'s go to the park."'];

test('a Llama-style tokenizer.json (BPE + byte fallback) run by @huggingface/tokenizers matches our SentencePiece tokenizer', { skip }, () => {
  const spm = readLlama2cTokenizer(stories260KDir + 'tok512.bin', 512);
  // tok512 spells BOS/EOS as "\n<s>\n" and "\n</s>\n".
  const tokenizer = new HfTokenizer(llamaTokenizerJson(spm), { bos_token: spm.vocabulary.pieces[1], eos_token: spm.vocabulary.pieces[2], clean_up_tokenization_spaces: false });
  assert.equal(tokenizer.vocabSize, 512);
  assert.equal(tokenizer.bosId, 1);
  assert.deepEqual(tokenizer.eosIds, [2]);
  for (const text of texts) {
    const ids = tokenizer.encode(text, { addBos: true });
    assert.deepEqual(ids, spm.encode(text, { addBos: true }), JSON.stringify(text));
    assert.equal(tokenizer.decode(ids), text);
  }
  for (let id = 0; id < 512; id++) assert.deepEqual(tokenizer.tokenBytes(id), spm.tokenBytes(id), `token ${id}`);
  assert.ok(tokenizer.isSpecial(1) && !tokenizer.isSpecial(300));
});

test('byte-level BPE: token bytes concatenate to the exact UTF-8 text; special tokens are recognised', () => {
  const tokenizer = new HfTokenizer(byteLevelTokenizerJson(), { eos_token: '<|endoftext|>' });
  assert.equal(tokenizer.vocabSize, 269);
  assert.deepEqual(tokenizer.eosIds, [268]);
  assert.equal(tokenizer.bosId, undefined);
  const ids = tokenizer.encode(' the cat');
  assert.deepEqual(ids, [258, 261]);
  for (const text of [...texts, 'the cat<|endoftext|>']) {
    const encoded = tokenizer.encode(text);
    const bytes = Buffer.concat(encoded.map((id) => tokenizer.tokenBytes(id)));
    assert.equal(bytes.toString('utf8'), text.replace('<|endoftext|>', ''), JSON.stringify(text));
    assert.equal(tokenizer.decode(encoded), text.replace('<|endoftext|>', ''));
  }
  assert.equal(tokenizer.encode('the cat<|endoftext|>').at(-1), 268);
  assert.ok(tokenizer.isSpecial(268));
  assert.deepEqual(tokenizer.encode(''), []);
  assert.equal(tokenizer.decode([]), '');
});
