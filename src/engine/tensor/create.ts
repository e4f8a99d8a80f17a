/**
 * @module engine/tensor/create
 * Tensor factories: from values, zeros/ones/full, random init (uniform, normal, Kaiming-uniform) and
 * conversions from bf16/f16 checkpoint storage.
 */
import { bf16ArrayToF32, f16ArrayToF32 } from '../backend/bf16.ts';
import { SlingError } from '../../core/errors.ts';
import type { Random } from './random.ts';
import { allocate, shapeSize, Tensor } from './tensor.ts';

export interface CreateOptions {
  dtype?: 'float32' | 'float64';
  requiresGrad?: boolean;
}

export function tensor(values: ArrayLike<number>, shape: readonly number[] = [values.length], options: CreateOptions = {}): Tensor {
  const data = allocate(options.dtype ?? 'float32', values.length);
  data.set(values);
  return new Tensor(data, shape, options.requiresGrad);
}

export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  const data = allocate(options.dtype ?? 'float32', shapeSize(shape));
  if (value !== 0) data.fill(value);
  return new Tensor(data, shape, options.requiresGrad);
}

export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}

export function uniform(shape: readonly number[], random: Random, low: number, high: number, options: CreateOptions = {}): Tensor {
  const data = random.fillUniform(allocate(options.dtype ?? 'float32', shapeSize(shape)), low, high);
  return new Tensor(data, shape, options.requiresGrad);
}

export function normal(shape: readonly number[], random: Random, mean = 0, std = 1, options: CreateOptions = {}): Tensor {
  const data = random.fillNormal(allocate(options.dtype ?? 'float32', shapeSize(shape)), mean, std);
  return new Tensor(data, shape, options.requiresGrad);
}

/**
 * Kaiming-uniform as torch.nn.init.kaiming_uniform_(w, a) with fan_in = shape[1] (weights are [out, in]):
 * bound = gain·√(3 / fan_in), gain = √(2 / (1 + a²)). a = √5 is PyTorch's nn.Linear default.
 */
export function kaimingUniform(shape: readonly number[], random: Random, a = Math.sqrt(5), options: CreateOptions = {}): Tensor {
  if (shape.length < 2) throw new SlingError('tensor_init_shape', `kaimingUniform needs a 2-D weight, got [${shape}]`);
  const fanIn = shapeSize(shape.slice(1));
  const bound = Math.sqrt(2 / (1 + a * a)) * Math.sqrt(3 / fanIn);
  return uniform(shape, random, -bound, bound, options);
}

/** Frozen bf16 weight kept as bf16 bits (for linear/matmul B operands and embedding tables). */
export function fromBf16(bits: Uint16Array, shape: readonly number[]): Tensor {
  return new Tensor(bits, shape);
}

/** f16 checkpoint storage is converted to float32 at load. */
export function fromF16(bits: Uint16Array, shape: readonly number[], options: CreateOptions = {}): Tensor {
  return new Tensor(f16ArrayToF32(bits), shape, options.requiresGrad);
}

/** A float copy of any tensor (bf16 bits are widened exactly); no history. */
export function toFloat32(source: Tensor): Tensor {
  if (source.data instanceof Uint16Array) return new Tensor(bf16ArrayToF32(source.data), source.shape);
  return new Tensor(Float32Array.from(source.data), source.shape);
}

export function toFloat64(source: Tensor): Tensor {
  const values = source.data instanceof Uint16Array ? bf16ArrayToF32(source.data) : source.data;
  return new Tensor(Float64Array.from(values), source.shape);
}
