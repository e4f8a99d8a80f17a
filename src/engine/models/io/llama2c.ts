/**
 * @module engine/models/io/llama2c
 * Reads Karpathy's llama2.c "legacy" checkpoints (.bin): a header of 7 int32 (dim, hidden_dim, n_layers,
 * n_heads, n_kv_heads, vocab_size, seq_len; a negative vocab_size means a separate classifier follows), then
 * float32 weights stacked per kind over layers. The legacy RoPE tables (freq_cis) are skipped. llama2.c
 * applies RoPE to adjacent pairs, so q/k stay in that 'interleaved' layout.
 */
import { readFileSync } from 'node:fs';
import { SlingError } from '../../../core/errors.ts';
import type { LlamaConfig } from '../config.ts';
import { layerTensorName } from './checkpoint.ts';
import type { RawTensor } from './raw-tensor.ts';

export interface Llama2cWeights {
  config: LlamaConfig;
  tensors: Map<string, RawTensor>;
}

export function readLlama2cCheckpoint(path: string): Llama2cWeights {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new SlingError('model_not_found', 'cannot read the llama2.c checkpoint', { file: path, cause: error });
  }
  if (bytes.length < 28) throw new SlingError('model_corrupt', `file is ${bytes.length} bytes, too short for a llama2.c header`, { file: path });
  const [dim, hiddenDim, numLayers, numHeads, numKvHeads, signedVocab, seqLen] = Array.from({ length: 7 }, (_, i) => bytes.readInt32LE(i * 4));
  const vocabSize = Math.abs(signedVocab);
  const sane = [dim, hiddenDim, numLayers, numHeads, numKvHeads, vocabSize, seqLen].every((value) => value > 0 && value < 1 << 24);
  if (!sane || dim % numHeads !== 0 || numHeads % numKvHeads !== 0) {
    throw new SlingError('model_corrupt', `header [${[dim, hiddenDim, numLayers, numHeads, numKvHeads, signedVocab, seqLen].join(', ')}] is not a llama2.c legacy header`, { file: path, hint: 'only the legacy (version 0) llama2.c export is supported' });
  }
  const headDim = dim / numHeads;
  const kvDim = numKvHeads * headDim;
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 28, bytes.byteOffset + bytes.length - ((bytes.length - 28) % 4)));
  let offset = 0;
  const tensors = new Map<string, RawTensor>();
  const take = (shape: number[]): Float32Array => {
    const count = shape.reduce((a, b) => a * b, 1);
    if (offset + count > floats.length) {
      throw new SlingError('model_corrupt', `file ends after ${floats.length} floats but the header's shapes need more`, { file: path, hint: 'the checkpoint is truncated' });
    }
    const data = floats.slice(offset, offset + count);
    offset += count;
    return data;
  };
  const perLayer = (suffix: string, shape: number[]) => {
    for (let layer = 0; layer < numLayers; layer++) tensors.set(layerTensorName(layer, suffix), { dtype: 'f32', shape, data: take(shape) });
  };
  tensors.set('model.embed_tokens.weight', { dtype: 'f32', shape: [vocabSize, dim], data: take([vocabSize, dim]) });
  perLayer('input_layernorm.weight', [dim]);
  perLayer('self_attn.q_proj.weight', [dim, dim]);
  perLayer('self_attn.k_proj.weight', [kvDim, dim]);
  perLayer('self_attn.v_proj.weight', [kvDim, dim]);
  perLayer('self_attn.o_proj.weight', [dim, dim]);
  perLayer('post_attention_layernorm.weight', [dim]);
  perLayer('mlp.gate_proj.weight', [hiddenDim, dim]);
  perLayer('mlp.down_proj.weight', [dim, hiddenDim]);
  perLayer('mlp.up_proj.weight', [hiddenDim, dim]);
  tensors.set('model.norm.weight', { dtype: 'f32', shape: [dim], data: take([dim]) });
  take([seqLen, headDim / 2]); // freq_cis_real, unused
  take([seqLen, headDim / 2]); // freq_cis_imag, unused
  if (signedVocab < 0) tensors.set('lm_head.weight', { dtype: 'f32', shape: [vocabSize, dim], data: take([vocabSize, dim]) });
  if (offset !== floats.length) {
    throw new SlingError('model_corrupt', `${(floats.length - offset) * 4} unexpected bytes after the last tensor`, { file: path, hint: 'not a legacy llama2.c checkpoint, or the header does not match the weights' });
  }
  const config: LlamaConfig = {
    architecture: 'llama',
    vocabSize, hiddenSize: dim, intermediateSize: hiddenDim, numLayers, numHeads, numKvHeads, headDim,
    maxPositionEmbeddings: seqLen,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    ropeConvention: 'interleaved',
    tieWordEmbeddings: signedVocab > 0,
    attentionBias: false,
    qkNorm: false,
    bosTokenId: 1,
    eosTokenIds: [2],
  };
  return { config, tensors };
}
