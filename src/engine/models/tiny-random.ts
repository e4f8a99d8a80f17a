/**
 * @module engine/models/tiny-random
 * "tiny-random": a small freshly initialised Llama (C 128, 4 layers, 4 query / 2 kv heads, F 344) with the
 * byte tokenizer and a plain chat template. It knows nothing — its output is noise — but it lets the whole
 * product (generate, train, evaluate, serve) run offline with no downloaded model, and it is what quick
 * tests and the quickstart use.
 */
import type { LlamaConfig } from './config.ts';
import { BYTE_BOS_ID, BYTE_CHAT_TEMPLATE, BYTE_EOS_ID, BYTE_VOCAB_SIZE, ByteTokenizer } from './byte-tokenizer.ts';
import type { Llama } from './llama.ts';
import { createModel } from './model-builders.ts';

export const TINY_RANDOM_NAME = 'tiny-random';

export function tinyRandomConfig(): LlamaConfig {
  return {
    architecture: 'llama',
    vocabSize: BYTE_VOCAB_SIZE,
    hiddenSize: 128,
    intermediateSize: 344,
    numLayers: 4,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 32,
    maxPositionEmbeddings: 2048,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    ropeConvention: 'half',
    tieWordEmbeddings: true,
    attentionBias: false,
    qkNorm: false,
    bosTokenId: BYTE_BOS_ID,
    eosTokenIds: [BYTE_EOS_ID],
  };
}

export interface TinyRandomModel {
  name: typeof TINY_RANDOM_NAME;
  model: Llama;
  tokenizer: ByteTokenizer;
  chatTemplate: string;
}

export function createTinyRandomModel(options: { seed?: number; requiresGrad?: boolean } = {}): TinyRandomModel {
  return {
    name: TINY_RANDOM_NAME,
    model: createModel(tinyRandomConfig(), { seed: options.seed ?? 0, requiresGrad: options.requiresGrad }),
    tokenizer: new ByteTokenizer(),
    chatTemplate: BYTE_CHAT_TEMPLATE,
  };
}
