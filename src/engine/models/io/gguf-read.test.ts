import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { f32ToF16 } from '../../backend/bf16.ts';
import { readGguf } from './gguf-read.ts';
import { GgmlType, ggufNameFromHf, hfNameFromGguf } from './gguf-names.ts';
import { writeGguf } from './gguf-write.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-gguf-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

test('GGUF and HF tensor names map both ways', () => {
  const pairs = [
    ['token_embd.weight', 'model.embed_tokens.weight'], ['output_norm.weight', 'model.norm.weight'], ['output.weight', 'lm_head.weight'],
    ['blk.3.attn_q.bias', 'model.layers.3.self_attn.q_proj.bias'], ['blk.11.attn_output.weight', 'model.layers.11.self_attn.o_proj.weight'],
    ['blk.0.attn_k_norm.weight', 'model.layers.0.self_attn.k_norm.weight'], ['blk.2.ffn_down.weight', 'model.layers.2.mlp.down_proj.weight'],
    ['blk.2.ffn_norm.weight', 'model.layers.2.post_attention_layernorm.weight'], ['blk.2.attn_norm.weight', 'model.layers.2.input_layernorm.weight'],
  ];
  for (const [gguf, hf] of pairs) {
    assert.equal(hfNameFromGguf(gguf), hf);
    assert.equal(ggufNameFromHf(hf), gguf);
  }
  assert.equal(hfNameFromGguf('rope_freqs.weight'), undefined);
});

test('Q8_0 tensors are dequantised (scale × int8 per block of 32), other quantisations are a clear error', async () => {
  // Write a GGUF holding one F32 placeholder, then patch its type to Q8_0 and its bytes to two hand-made blocks.
  const file = join(folder, 'q8.gguf');
  writeGguf(file, { metadata: { 'general.architecture': 'llama' }, tensors: [{ name: 'w', tensor: { dtype: 'f32', shape: [2, 32], data: new Float32Array(64) } }] });
  const bytes = readFileSync(file);
  const typeOffset = bytes.indexOf(Buffer.from('w')) + 1 + 4 + 16;
  assert.equal(bytes.readUInt32LE(typeOffset), GgmlType.F32);
  bytes.writeUInt32LE(GgmlType.Q8_0, typeOffset);
  const dataStart = bytes.length - 256;
  const scales = [0.5, -0.25];
  for (let block = 0; block < 2; block++) {
    bytes.writeUInt16LE(f32ToF16(scales[block]), dataStart + block * 34);
    for (let i = 0; i < 32; i++) bytes.writeInt8(block === 0 ? i - 16 : (i % 2 ? 127 : -128), dataStart + block * 34 + 2 + i);
  }
  writeFileSync(file, bytes);
  const { tensors } = await readGguf(file);
  const tensor = tensors.get('w')!;
  assert.equal(tensor.dtype, 'f32');
  assert.deepEqual(tensor.shape, [2, 32]);
  assert.deepEqual([...tensor.data.subarray(0, 4)], [-8, -7.5, -7, -6.5]);
  assert.deepEqual([...tensor.data.subarray(32, 34)], [32, -31.75]);
  bytes.writeUInt32LE(GgmlType.Q4_K, typeOffset);
  writeFileSync(file, bytes);
  await assert.rejects(readGguf(file), (error: Error & { code?: string }) => error.code === 'gguf_unsupported_type' && /Q4_K/.test(error.message) && error.message.includes(file));
});

test('writeGguf metadata: inferred and explicit value types read back through @huggingface/gguf', async () => {
  const file = join(folder, 'adapter.gguf');
  writeGguf(file, {
    metadata: { 'general.type': 'adapter', 'adapter.type': 'lora', 'adapter.lora.alpha': { type: 'f32', value: 16 }, count: 3, ratio: 0.5, flag: true, names: ['a', 'b'], ids: [1, -2] },
    tensors: [{ name: 'blk.0.attn_q.weight.lora_a', tensor: { dtype: 'bf16', shape: [4, 8], data: new Uint16Array(32).fill(0x3f80) } }],
  });
  const { metadata, tensors } = await readGguf(file);
  assert.equal(metadata['general.type'], 'adapter');
  assert.equal(metadata['adapter.lora.alpha'], 16);
  assert.equal(metadata.count, 3);
  assert.equal(metadata.ratio, 0.5);
  assert.equal(metadata.flag, true);
  assert.deepEqual(metadata.names, ['a', 'b']);
  assert.deepEqual(metadata.ids, [1, -2]);
  assert.deepEqual(tensors.get('blk.0.attn_q.weight.lora_a'), { dtype: 'bf16', shape: [4, 8], data: new Uint16Array(32).fill(0x3f80) });
});

test('a custom general.alignment is honoured by the writer and the reader', async () => {
  const file = join(folder, 'aligned.gguf');
  const odd = { dtype: 'f16' as const, shape: [3, 5], data: Uint16Array.from({ length: 15 }, (_, i) => f32ToF16(i / 4)) };
  const next = { dtype: 'f32' as const, shape: [7], data: Float32Array.from({ length: 7 }, (_, i) => -i) };
  writeGguf(file, { metadata: { 'general.architecture': 'llama' }, tensors: [{ name: 'odd', tensor: odd }, { name: 'next', tensor: next }], alignment: 64 });
  const { metadata, tensors } = await readGguf(file);
  assert.equal(metadata['general.alignment'], 64);
  assert.deepEqual(tensors.get('odd'), odd);
  assert.deepEqual(tensors.get('next'), next);
});
