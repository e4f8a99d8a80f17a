import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCheckpoint } from '../load-checkpoint.ts';
import { rawToF32 } from './raw-tensor.ts';
import { stories260KDir, stories260KSkip as skip } from './test-data.ts';

test('stories260K: the llama2.c .bin and the llama.cpp .gguf hold the same model', { skip }, async () => {
  const fromBin = await loadCheckpoint(stories260KDir + 'stories260K.bin');
  const fromGguf = await loadCheckpoint(stories260KDir + 'stories260K.gguf');
  assert.equal(fromBin.format, 'llama2c');
  assert.equal(fromGguf.format, 'gguf');
  const expected = { architecture: 'llama', vocabSize: 512, hiddenSize: 64, intermediateSize: 172, numLayers: 5, numHeads: 8, numKvHeads: 4, headDim: 8, ropeTheta: 10000, ropeConvention: 'interleaved', bosTokenId: 1 };
  for (const checkpoint of [fromBin, fromGguf]) {
    for (const [key, value] of Object.entries(expected)) assert.equal(checkpoint.config[key as keyof typeof expected], value, `${checkpoint.format} ${key}`);
    assert.equal(Math.fround(checkpoint.config.rmsNormEps), Math.fround(1e-5));
    assert.deepEqual(checkpoint.config.eosTokenIds, [2]);
  }
  assert.equal(fromBin.config.maxPositionEmbeddings, 512);
  assert.equal(fromBin.config.tieWordEmbeddings, true);
  // The GGUF converter wrote the shared classifier out as a separate output.weight.
  assert.equal(fromGguf.config.tieWordEmbeddings, false);
  assert.equal(fromBin.tensors.size, 2 + 5 * 9);
  assert.equal(fromGguf.tensors.size, fromBin.tensors.size + 1);
  for (const [name, tensor] of fromGguf.tensors) {
    const reference = fromBin.tensors.get(name === 'lm_head.weight' ? 'model.embed_tokens.weight' : name);
    assert.ok(reference, `${name} is in the llama2.c checkpoint`);
    assert.deepEqual(tensor.shape, reference.shape, name);
    // Bit-identical, q/k included: GGUF-llama and llama2.c share the interleaved RoPE row layout.
    assert.deepEqual(rawToF32(tensor), rawToF32(reference), name);
  }
  assert.deepEqual(fromBin.tensors.get('model.layers.0.self_attn.k_proj.weight')!.shape, [32, 64]);
  assert.deepEqual(fromBin.tensors.get('model.layers.4.mlp.down_proj.weight')!.shape, [64, 172]);
});

test('stories260K: tok512.bin and the GGUF vocabulary tokenize identically', { skip }, async () => {
  const fromBin = await loadCheckpoint(stories260KDir + 'stories260K.bin', { tokenizerPath: stories260KDir + 'tok512.bin' });
  const fromGguf = await loadCheckpoint(stories260KDir + 'stories260K.gguf');
  const texts = ['Once upon a time', 'Hello world!', ' leading space', 'a  b\n\nc', 'café 🙂 日本', 'Lily\'s mom said, "Lily, let\'s go to the park."', ''];
  for (const text of texts) {
    const ids = fromBin.tokenizer.encode(text, { addBos: true });
    assert.deepEqual(fromGguf.tokenizer.encode(text, { addBos: true }), ids, JSON.stringify(text));
    assert.equal(fromBin.tokenizer.decode(ids), text);
    assert.equal(fromGguf.tokenizer.decode(ids), text);
  }
  for (let id = 0; id < 512; id++) assert.deepEqual(fromGguf.tokenizer.tokenBytes(id), fromBin.tokenizer.tokenBytes(id), `token ${id}`);
});
