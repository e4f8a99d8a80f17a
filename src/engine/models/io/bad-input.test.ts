import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../load-checkpoint.ts';
import { readSafetensors } from './safetensors-read.ts';
import { writeSafetensors } from './safetensors-write.ts';
import { stories260KDir, stories260KSkip as skip } from './test-data.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-bad-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

type CodedError = Error & { code?: string; file?: string };
const matches = (code: string, file: string, pattern: RegExp) => (error: CodedError) => error.code === code && error.file === file && pattern.test(error.message);

test('corrupted safetensors files are SlingErrors naming the file and the problem', () => {
  const good = join(folder, 'good.safetensors');
  writeSafetensors(good, { 'a.weight': { dtype: 'f32', shape: [2, 3], data: new Float32Array(6) }, 'b.weight': { dtype: 'bf16', shape: [4], data: new Uint16Array(4) } });
  const bytes = readFileSync(good);
  const variant = (name: string, content: Buffer) => {
    const file = join(folder, name);
    writeFileSync(file, content);
    return file;
  };
  const truncated = variant('truncated.safetensors', bytes.subarray(0, bytes.length - 5));
  assert.throws(() => readSafetensors(truncated), matches('safetensors_invalid', truncated, /go beyond the \d+ data bytes/));
  const tiny = variant('tiny.safetensors', bytes.subarray(0, 5));
  assert.throws(() => readSafetensors(tiny), matches('safetensors_invalid', tiny, /shorter than the 8-byte header length/));
  const hugeHeader = Buffer.from(bytes);
  hugeHeader.writeBigUInt64LE(10n ** 9n);
  const beyond = variant('beyond.safetensors', hugeHeader);
  assert.throws(() => readSafetensors(beyond), matches('safetensors_invalid', beyond, /header length 1000000000 goes beyond the end of the file/));
  const garbled = Buffer.from(bytes);
  garbled.write('#', 9);
  const notJson = variant('garbled.safetensors', garbled);
  assert.throws(() => readSafetensors(notJson), matches('safetensors_invalid', notJson, /not valid JSON/));
  const wrongSpan = variant('span.safetensors', Buffer.from(bytes.toString('latin1').replace('"data_offsets":[0,24]', '"data_offsets":[0,20]'), 'latin1'));
  assert.throws(() => readSafetensors(wrongSpan), matches('safetensors_invalid', wrongSpan, /a\.weight.*spans 20 bytes.*needs 24/));
  const int8 = variant('int8.safetensors', Buffer.from(bytes.toString('latin1').replace('"BF16"', '"I8"  '), 'latin1'));
  assert.throws(() => readSafetensors(int8), matches('safetensors_unsupported_dtype', int8, /b\.weight.*I8/));
});

test('a GGUF with the wrong magic, a truncated GGUF, a truncated llama2.c checkpoint, and a mismatched tokenizer', { skip }, async () => {
  const ggufBytes = readFileSync(stories260KDir + 'stories260K.gguf');
  const wrongMagic = join(folder, 'magic.gguf');
  writeFileSync(wrongMagic, Buffer.concat([Buffer.from('GGUX'), ggufBytes.subarray(4)]));
  await assert.rejects(loadCheckpoint(wrongMagic), matches('gguf_invalid', wrongMagic, /magic/));
  const shortGguf = join(folder, 'short.gguf');
  writeFileSync(shortGguf, ggufBytes.subarray(0, ggufBytes.length - 1000));
  await assert.rejects(loadCheckpoint(shortGguf), matches('gguf_invalid', shortGguf, /truncated|needs bytes/));
  const shortBin = join(folder, 'short.bin');
  writeFileSync(shortBin, readFileSync(stories260KDir + 'stories260K.bin').subarray(0, 500_000));
  await assert.rejects(loadCheckpoint(shortBin, { tokenizerPath: stories260KDir + 'tok512.bin' }), matches('model_corrupt', shortBin, /truncated/));
  // A 512-token model with a tokenizer that has fewer tokens: drop the last 12 token records of tok512.bin.
  const tokenizerBytes = readFileSync(stories260KDir + 'tok512.bin');
  const smallTokenizer = join(folder, 'tok500.bin');
  let offset = 4;
  for (let token = 0; token < 500; token++) offset += 8 + tokenizerBytes.readInt32LE(offset + 4);
  writeFileSync(smallTokenizer, tokenizerBytes.subarray(0, offset));
  await assert.rejects(loadCheckpoint(stories260KDir + 'stories260K.bin', { tokenizerPath: smallTokenizer }), matches('tokenizer_mismatch', smallTokenizer, /500 tokens.*512/));
  // Without an explicit tokenizer, a .bin with no tok*.bin beside it is a clear error.
  const lonely = join(folder, 'lonely', 'model.bin');
  rmSync(join(folder, 'lonely'), { recursive: true, force: true });
  mkdirSync(join(folder, 'lonely'));
  copyFileSync(stories260KDir + 'stories260K.bin', lonely);
  await assert.rejects(loadCheckpoint(lonely), matches('tokenizer_not_found', lonely, /tok\*\.bin/));
  const text = join(folder, 'notes.txt');
  writeFileSync(text, 'hello');
  await assert.rejects(loadCheckpoint(text), matches('model_unknown_format', text, /not a model folder/));
});
