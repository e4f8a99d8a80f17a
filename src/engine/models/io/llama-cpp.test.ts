/**
 * Independent reference: llama.cpp (node-llama-cpp 3.21.1) tokenizes the shared stories260K GGUF like our
 * tokenizers do, and loads and runs the GGUF files our writer produces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, LlamaCompletion, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { loadCheckpoint } from '../load-checkpoint.ts';
import { HfTokenizer } from '../tokenizer/hf-tokenizer.ts';
import { readLlama2cTokenizer } from '../tokenizer/llama2c-tokenizer.ts';
import { byteLevelTokenizerJson, llamaTokenizerJson } from '../tokenizer/spm-to-hf.ts';
import { loadGgufCheckpoint } from './gguf-checkpoint.ts';
import { writeGgufCheckpoint } from './gguf-export.ts';
import { writeHfFolder } from './hf-folder-write.ts';
import { permuteRopeRows } from './rope-layout.ts';
import { randomCheckpoint, tinyConfig } from './test-checkpoint.ts';
import { stories260KDir, stories260KSkip as skip } from './test-data.ts';
import type { Checkpoint } from './checkpoint.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-llama-cpp-'));
let llama: Llama | undefined;
const getReference = async () => (llama ??= await getLlama({ gpu: false, logLevel: LlamaLogLevel.error }));
test.after(async () => {
  await llama?.dispose();
  rmSync(folder, { recursive: true, force: true });
});

const texts = ['Once upon a time', 'Hello world!', ' leading space', 'a  b\n\nc', 'café 🙂 日本', 'Lily\'s mom said, "Lily, let\'s go to the park."', 'The END.\n'];
const oracle = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park.';

async function greedyCompletion(modelPath: string, prompt: string, maxTokens: number): Promise<{ text: string; tokens: number[][] }> {
  const model = await (await getReference()).loadModel({ modelPath });
  try {
    const context = await model.createContext({ contextSize: 256, threads: 1 });
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    const text = await completion.generateCompletion(prompt, { maxTokens, temperature: 0 });
    const tokens = texts.map((sample) => [...model.tokenize(sample)].map(Number));
    await context.dispose();
    return { text, tokens };
  } finally {
    await model.dispose();
  }
}

test('llama.cpp tokenizes stories260K.gguf exactly like our GGUF and tok512.bin tokenizers', { skip }, async () => {
  const fromGguf = await loadCheckpoint(stories260KDir + 'stories260K.gguf');
  const fromBin = await loadCheckpoint(stories260KDir + 'stories260K.bin');
  const model = await (await getReference()).loadModel({ modelPath: stories260KDir + 'stories260K.gguf' });
  try {
    for (const text of texts) {
      const reference = [...model.tokenize(text)].map(Number);
      assert.deepEqual(fromGguf.tokenizer.encode(text), reference, JSON.stringify(text));
      assert.deepEqual(fromBin.tokenizer.encode(text), reference, JSON.stringify(text));
    }
    // Special-token texts inside the input are parsed (llama.cpp's parse_special), with the dummy-prefix space after each.
    for (const text of ['<s>Hello</s> world', 'a</s>b', 'x <s> y', '<unk>z']) {
      assert.deepEqual(fromGguf.tokenizer.encode(text), [...model.tokenize(text, true)].map(Number), JSON.stringify(text));
    }
  } finally {
    await model.dispose();
  }
});

async function expectStoriesText(checkpoint: Checkpoint, name: string, dtype?: 'f32' | 'f16' | 'bf16') {
  const file = join(folder, name);
  writeGgufCheckpoint(file, checkpoint, { dtype });
  const { text, tokens } = await greedyCompletion(file, 'Once upon a time', 24);
  const story = 'Once upon a time' + text;
  assert.ok(story.length > 60 && oracle.startsWith(story), `llama.cpp generated ${JSON.stringify(text)}`);
  for (const [index, sample] of texts.entries()) assert.deepEqual(tokens[index], checkpoint.tokenizer.encode(sample), JSON.stringify(sample));
}

test('llama.cpp runs stories260K written by our GGUF writer (from llama2.c) and reproduces the reference story', { skip }, async () => {
  await expectStoriesText(await loadCheckpoint(stories260KDir + 'stories260K.bin'), 'stories-from-bin.gguf');
});

test('our writer permutes rotate-half q/k rows for llama.cpp: the same model stored in HF layout gives the same story', { skip }, async () => {
  const checkpoint = await loadCheckpoint(stories260KDir + 'stories260K.bin');
  const { headDim } = checkpoint.config;
  for (const [name, tensor] of checkpoint.tensors) {
    if (/self_attn\.[qk]_proj/.test(name)) checkpoint.tensors.set(name, permuteRopeRows(tensor, headDim, 'interleaved-to-half'));
  }
  checkpoint.config = { ...checkpoint.config, ropeConvention: 'half' };
  await expectStoriesText(checkpoint, 'stories-half.gguf');
});

for (const dtype of ['f16', 'bf16'] as const) {
  test(`llama.cpp loads and runs a random tiny ${dtype} model written by our GGUF writer`, { skip }, async () => {
    const tokenizer = (await loadCheckpoint(stories260KDir + 'stories260K.bin')).tokenizer;
    const file = join(folder, `random-${dtype}.gguf`);
    writeGgufCheckpoint(file, randomCheckpoint(tinyConfig({ tieWordEmbeddings: dtype === 'bf16' }), tokenizer, 7), { dtype });
    const { text, tokens } = await greedyCompletion(file, 'Once upon a time', 8);
    assert.equal(typeof text, 'string');
    for (const [index, sample] of texts.entries()) assert.deepEqual(tokens[index], tokenizer.encode(sample));
  });
}

test('byte-level BPE (GGUF "gpt2") written by our writer: llama.cpp, our GGUF reader and @huggingface/tokenizers agree', async () => {
  const tokenizer = new HfTokenizer(byteLevelTokenizerJson(), { eos_token: '<|endoftext|>' });
  const file = join(folder, 'byte-level.gguf');
  writeGgufCheckpoint(file, randomCheckpoint(tinyConfig({ vocabSize: 269, bosTokenId: undefined, eosTokenIds: [268] }), tokenizer, 9));
  const back = await loadGgufCheckpoint(file);
  const model = await (await getReference()).loadModel({ modelPath: file });
  try {
    for (const text of [...texts, ' the cat sat on the mat', 'in the winter\n\n  the cat', '123 4567']) {
      const expected = tokenizer.encode(text);
      assert.deepEqual([...model.tokenize(text)].map(Number), expected, JSON.stringify(text));
      assert.deepEqual(back.tokenizer.encode(text), expected, JSON.stringify(text));
      assert.equal(back.tokenizer.decode(expected), text);
    }
  } finally {
    await model.dispose();
  }
});

test('a SentencePiece-style tokenizer.json (Llama BPE + byte fallback) exported as a GGUF "llama" vocabulary tokenizes the same in llama.cpp', { skip }, async () => {
  const spm = readLlama2cTokenizer(stories260KDir + 'tok512.bin', 512);
  const tokenizer = new HfTokenizer(llamaTokenizerJson(spm), { bos_token: spm.vocabulary.pieces[1], eos_token: spm.vocabulary.pieces[2] });
  const file = join(folder, 'spm-from-hf.gguf');
  writeGgufCheckpoint(file, randomCheckpoint(tinyConfig(), tokenizer, 11));
  const back = await loadGgufCheckpoint(file);
  const model = await (await getReference()).loadModel({ modelPath: file });
  try {
    for (const text of [...texts, 'Tim and Sue played with the red ball all day.']) {
      const expected = tokenizer.encode(text);
      assert.deepEqual([...model.tokenize(text)].map(Number), expected, JSON.stringify(text));
      assert.deepEqual(back.tokenizer.encode(text), expected, JSON.stringify(text));
    }
  } finally {
    await model.dispose();
  }
});

test('llama2.c → HF folder (rotate-half) → loadCheckpoint → GGUF: llama.cpp still tells the reference story', { skip }, async () => {
  const original = await loadCheckpoint(stories260KDir + 'stories260K.bin');
  const hfFolder = join(folder, 'stories-hf');
  writeHfFolder(hfFolder, original);
  const fromFolder = await loadCheckpoint(hfFolder);
  assert.equal(fromFolder.format, 'hf');
  assert.equal(fromFolder.config.ropeConvention, 'half');
  assert.deepEqual({ ...fromFolder.config, ropeConvention: 'interleaved', maxPositionEmbeddings: 512 }, { ...original.config, ropeScaling: undefined, slidingWindow: undefined });
  const q = fromFolder.tensors.get('model.layers.2.self_attn.q_proj.weight')!;
  assert.deepEqual(permuteRopeRows(q, 8, 'half-to-interleaved'), original.tensors.get('model.layers.2.self_attn.q_proj.weight'));
  for (const text of texts) assert.deepEqual(fromFolder.tokenizer.encode(text, { addBos: true }), original.tokenizer.encode(text, { addBos: true }));
  await expectStoriesText(fromFolder, 'stories-via-hf.gguf');
});

for (const family of ['qwen2', 'qwen3'] as const) {
  test(`${family}: our GGUF writer's output loads and runs in llama.cpp, and reads back unpermuted ('half')`, async () => {
    const tokenizer = new HfTokenizer(byteLevelTokenizerJson(), { eos_token: '<|endoftext|>' });
    const config = tinyConfig({
      architecture: family, vocabSize: 269, bosTokenId: undefined, eosTokenIds: [268], tieWordEmbeddings: true, ropeTheta: 1000000, rmsNormEps: 1e-6,
      ...(family === 'qwen2' ? { attentionBias: true } : { qkNorm: true, headDim: 16 }),
    });
    const checkpoint = randomCheckpoint(config, tokenizer, 13);
    const file = join(folder, `${family}.gguf`);
    writeGgufCheckpoint(file, checkpoint);
    const back = await loadGgufCheckpoint(file);
    assert.equal(back.config.ropeConvention, 'half');
    assert.deepEqual({ ...back.config, ropeScaling: undefined, slidingWindow: undefined }, { ...config, rmsNormEps: Math.fround(1e-6), ropeScaling: undefined, slidingWindow: undefined });
    for (const [name, tensor] of checkpoint.tensors) assert.deepEqual(back.tensors.get(name), tensor, name);
    const { text } = await greedyCompletion(file, ' the cat', 4);
    assert.equal(typeof text, 'string');
  });
}
