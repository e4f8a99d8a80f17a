/**
 * @module engine/tensor
 * The public surface of the tensor layer: the Tensor type, factories, autograd controls, the seeded generator
 * and every differentiable op. See README.md in this folder for signatures and shape conventions.
 */
export { Tensor, allocate, shapeSize, type DType, type FloatArray, type TensorData } from './tensor.ts';
export { noGrad, isGradEnabled, needsGrad, record, type GradNode, type BackwardFunction } from './autograd.ts';
export { Random } from './random.ts';
export {
  tensor, zeros, ones, full, uniform, normal, kaimingUniform, fromBf16, fromF16, toFloat32, toFloat64, type CreateOptions,
} from './create.ts';
export { add, sub, mul, div, neg, affine } from './ops/elementwise.ts';
export { exp, log, sqrt, square, tanh, sigmoid, silu, relu, gelu, swiglu, erf } from './ops/unary.ts';
export { sum, mean, max } from './ops/reduce.ts';
export { softmax, logSoftmax } from './ops/softmax.ts';
export { reshape, permute, transpose, slice, concat, split } from './ops/shape.ts';
export { matmul, linear, type MatmulOptions } from './ops/matmul.ts';
export { crossEntropy, type CrossEntropyOptions } from './ops/cross-entropy.ts';
export { linearCrossEntropy, type LinearCrossEntropyOptions } from './ops/linear-cross-entropy.ts';
export { rmsNorm } from './ops/rms-norm.ts';
export { embedding } from './ops/embedding.ts';
export { ropeFrequencies, ropeTable, ropeScalingFromConfig, type RopeScaling, type RopeTable } from './ops/rope-frequencies.ts';
export { rope, type RopeConvention, type RopeOptions } from './ops/rope.ts';
export { attention, type AttentionOptions } from './ops/attention.ts';
export { type AttentionMaskOptions } from './ops/attention-mask.ts';
export { dropout } from './ops/dropout.ts';
export { gemm } from './ops/gemm.ts';
