/**
 * @module engine/nn
 * Layers as plain classes (no base class): Linear, LoraLinear (fused LoRA op), MixedPrecisionLinear (bf16
 * products over an FP32 master weight), RMSNorm, Embedding, the LinearLayer interface models hold projections
 * by, and helpers over anything that lists its named parameters.
 */
export { Linear, type LinearInit } from './linear.ts';
export { LoraLinear, loraLinear, type LoraOptions } from './lora-linear.ts';
export { MixedPrecisionLinear } from './mixed-precision-linear.ts';
export { type LinearLayer } from './linear-layer.ts';
export { RMSNorm } from './rms-norm.ts';
export { Embedding } from './embedding.ts';
export { prefixed, trainableParameters, setRequiresGrad, zeroGrad, parameterCount, type Module } from './module.ts';
