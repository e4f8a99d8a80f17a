import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLlama2cTokenizer } from '../tokenizer/llama2c-tokenizer.ts';
import { loadGgufCheckpoint } from './gguf-checkpoint.ts';
import { writeGgufCheckpoint } from './gguf-export.ts';
import { convertRaw, type RawDtype } from './raw-tensor.ts';
import { permuteRopeRows } from './rope-layout.ts';
import { readSafetensors } from './safetensors-read.ts';
import { writeSafetensors } from './safetensors-write.ts';
import { randomCheckpoint, tinyConfig } from './test-checkpoint.ts';
import { stories260KDir, stories260KSkip as skip } from './test-data.ts';

const folder = mkdtempSync(join(tmpdir(), 'sling-io-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

for (const dtype of ['f32', 'f16', 'bf16'] as RawDtype[]) {
  test(`safetensors ${dtype}: write then read gives identical tensors and metadata`, () => {
    const checkpoint = randomCheckpoint(tinyConfig({ vocabSize: 64 }), undefined as never);
    const tensors = new Map([...checkpoint.tensors].map(([name, tensor]) => [name, convertRaw(tensor, dtype)]));
    const file = join(folder, `model-${dtype}.safetensors`);
    writeSafetensors(file, tensors, { format: 'pt' });
    const back = readSafetensors(file);
    assert.deepEqual(back.metadata, { format: 'pt' });
    assert.deepEqual([...back.tensors.keys()], [...tensors.keys()]);
    for (const [name, tensor] of tensors) assert.deepEqual(back.tensors.get(name), tensor, name);
  });

  test(`GGUF ${dtype}: write then read gives the same config and tensors (q/k permuted to llama.cpp's layout and back)`, { skip }, async () => {
    const tokenizer = readLlama2cTokenizer(stories260KDir + 'tok512.bin', 512);
    const config = tinyConfig({ attentionBias: true });
    const checkpoint = randomCheckpoint(config, tokenizer);
    const file = join(folder, `model-${dtype}.gguf`);
    writeGgufCheckpoint(file, checkpoint, { dtype });
    const back = await loadGgufCheckpoint(file);
    assert.equal(back.config.ropeConvention, 'interleaved');
    assert.deepEqual({ ...back.config, ropeConvention: 'half', ropeScaling: undefined, slidingWindow: undefined }, { ...config, ropeScaling: undefined, slidingWindow: undefined, rmsNormEps: Math.fround(1e-5) });
    assert.equal(back.tensors.size, checkpoint.tensors.size);
    for (const [name, original] of checkpoint.tensors) {
      let tensor = back.tensors.get(name)!;
      assert.equal(tensor.dtype, original.shape.length === 1 ? 'f32' : dtype, name);
      if (/self_attn\.[qk]_proj/.test(name)) tensor = permuteRopeRows(tensor, config.headDim, 'interleaved-to-half');
      const expected = original.shape.length === 1 ? original : convertRaw(original, dtype);
      assert.deepEqual(tensor, expected, name);
    }
    for (const text of ['Once upon a time', 'café 🙂']) assert.deepEqual(back.tokenizer.encode(text, { addBos: true }), tokenizer.encode(text, { addBos: true }));
  });
}

test('permuteRopeRows matches llama.cpp LlamaModel.permute on a worked example', () => {
  // One head of 4 rows in rotate-half order [r0 r1 | r2 r3] pairs (r0, r2) and (r1, r3); interleaved puts pairs adjacent.
  const half = { dtype: 'f32' as const, shape: [4, 1], data: Float32Array.of(0, 1, 2, 3) };
  assert.deepEqual([...permuteRopeRows(half, 4, 'half-to-interleaved').data], [0, 2, 1, 3]);
  const eight = { dtype: 'f32' as const, shape: [8], data: Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7) };
  assert.deepEqual([...permuteRopeRows(eight, 8, 'half-to-interleaved').data], [0, 4, 1, 5, 2, 6, 3, 7]);
  assert.deepEqual([...permuteRopeRows(permuteRopeRows(eight, 8, 'half-to-interleaved'), 8, 'interleaved-to-half').data], [...eight.data]);
});

test('Llama 3 RoPE scaling travels through GGUF as rope_freqs.weight (llama.cpp convert_hf_to_gguf formula)', { skip }, async () => {
  const tokenizer = readLlama2cTokenizer(stories260KDir + 'tok512.bin', 512);
  // Llama-3.2-1B's published rope_scaling with its head size 64 and theta 500000.
  const ropeScaling = { type: 'llama3' as const, factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 };
  const config = tinyConfig({ hiddenSize: 128, numHeads: 2, numKvHeads: 1, headDim: 64, ropeTheta: 500000, ropeScaling });
  const file = join(folder, 'llama3.gguf');
  writeGgufCheckpoint(file, randomCheckpoint(config, tokenizer));
  const back = await loadGgufCheckpoint(file);
  assert.deepEqual(back.config.ropeScaling, ropeScaling);
  const factors = back.tensors.get('rope_freqs.weight')!.data as Float32Array;
  assert.equal(factors.length, 32);
  // Wavelength 2π·500000^(i/32): below 8192/4 = 2048 the divisor is 1, above 8192 it is 32, smooth between.
  assert.equal(factors[0], 1);
  assert.equal(factors[31], 32);
  const i = 16;
  const wavelength = 2 * Math.PI * 500000 ** ((2 * i) / 64);
  const smooth = (8192 / wavelength - 1) / 3;
  assert.ok(wavelength > 2048 && wavelength < 8192);
  assert.ok(Math.abs(factors[i] - 1 / ((1 - smooth) / 32 + smooth)) < 1e-5);
});
