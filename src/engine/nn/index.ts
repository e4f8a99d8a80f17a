/**
 * @module engine/nn
 * Layers as plain classes (no base class): Linear, LoRALinear, RMSNorm, Embedding, and helpers over
 * anything that lists its named parameters.
 */
export { Linear, type LinearInit } from './linear.ts';
export { LoRALinear, type LoRAConfig } from './lora-linear.ts';
export { RMSNorm } from './rms-norm.ts';
export { Embedding } from './embedding.ts';
export { prefixed, trainableParameters, setRequiresGrad, zeroGrad, parameterCount, type Module } from './module.ts';
