import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ggufLoraTensorName, parseGgufLoraTensorName, parsePeftTensorName, peftTensorName } from './adapter-names.ts';
import { permuteHalfToInterleaved, permuteInterleavedToHalf } from './rope-permute.ts';

test('PEFT and GGUF LoRA names follow Hugging Face PEFT and llama.cpp', () => {
  assert.equal(peftTensorName('model.layers.0.self_attn.q_proj', 'A'), 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight');
  assert.deepEqual(parsePeftTensorName('base_model.model.model.layers.3.mlp.down_proj.lora_B.weight'), { module: 'model.layers.3.mlp.down_proj', part: 'B' });
  assert.deepEqual(parsePeftTensorName('base_model.model.model.layers.3.mlp.up_proj.lora_A.default.weight'), { module: 'model.layers.3.mlp.up_proj', part: 'A' });
  assert.equal(ggufLoraTensorName('model.layers.4.self_attn.o_proj', 'B'), 'blk.4.attn_output.weight.lora_b');
  assert.equal(ggufLoraTensorName('model.layers.1.mlp.gate_proj', 'A'), 'blk.1.ffn_gate.weight.lora_a');
  assert.deepEqual(parseGgufLoraTensorName('blk.2.attn_k.weight.lora_a'), { module: 'model.layers.2.self_attn.k_proj', part: 'A' });
});

test('q/k permutation matches numpy reshape(h, 2, d/2, c).swapaxes(1, 2) on a worked example', () => {
  // 1 head, head size 4, 1 column: rows [r0 r1 | r2 r3] (two halves) → interleaved [r0 r2 r1 r3]
  assert.deepEqual(Array.from(permuteHalfToInterleaved(Float32Array.from([0, 1, 2, 3]), 1, 1)), [0, 2, 1, 3]);
  // 2 heads, head size 4, 2 columns
  const rows = Float32Array.from({ length: 16 }, (_, i) => i);
  const permuted = permuteHalfToInterleaved(rows, 2, 2);
  // row order per head: 0 2 1 3 / 4 6 5 7
  const rowOrder = [0, 2, 1, 3, 4, 6, 5, 7];
  assert.deepEqual(Array.from(permuted), rowOrder.flatMap((row) => [2 * row, 2 * row + 1]));
  assert.deepEqual(Array.from(permuteInterleavedToHalf(permuted, 2, 2)), Array.from(rows));
});
