/**
 * @module engine/models/io/raw-tensor
 * The plain-array tensor that every checkpoint reader produces and every writer consumes. This layer never
 * depends on the engine's Tensor class: a model builds its parameters from these arrays.
 */
import { SlingError } from '../../../core/errors.ts';
import { bf16ArrayToF32, f16ArrayToF32, f32ArrayToBf16, f32ToF16 } from '../../backend/bf16.ts';

/** f32 data lives in a Float32Array; f16 and bf16 keep their raw 16-bit patterns in a Uint16Array. */
export type RawDtype = 'f32' | 'f16' | 'bf16';

/** A row-major tensor; matrices are [out, in] as in Hugging Face checkpoints. */
export interface RawTensor {
  dtype: RawDtype;
  shape: number[];
  data: Float32Array | Uint16Array;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

export function bytesPerElement(dtype: RawDtype): number {
  return dtype === 'f32' ? 4 : 2;
}

/** The values as float32 (a copy for f16/bf16, the same array for f32). */
export function rawToF32(tensor: RawTensor): Float32Array {
  if (tensor.dtype === 'f32') return tensor.data as Float32Array;
  const bits = tensor.data as Uint16Array;
  return tensor.dtype === 'bf16' ? bf16ArrayToF32(bits) : f16ArrayToF32(bits);
}

/** Converts to another dtype (round-to-nearest-even when narrowing); returns the same tensor if already there. */
export function convertRaw(tensor: RawTensor, dtype: RawDtype): RawTensor {
  if (tensor.dtype === dtype) return tensor;
  const values = rawToF32(tensor);
  if (dtype === 'f32') return { dtype, shape: [...tensor.shape], data: values };
  if (dtype === 'bf16') return { dtype, shape: [...tensor.shape], data: f32ArrayToBf16(values) };
  const bits = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) bits[i] = f32ToF16(values[i]);
  return { dtype, shape: [...tensor.shape], data: bits };
}

export function makeRawTensor(dtype: RawDtype, shape: number[], data: Float32Array | Uint16Array, name = 'tensor'): RawTensor {
  const expectedArray = dtype === 'f32' ? Float32Array : Uint16Array;
  if (!(data instanceof expectedArray) || data.length !== elementCount(shape)) {
    throw new SlingError('tensor_shape_mismatch', `${name}: ${dtype} tensor of shape [${shape.join(', ')}] needs ${elementCount(shape)} elements in a ${expectedArray.name}, got ${data.length} in a ${data.constructor.name}`);
  }
  return { dtype, shape, data };
}

/** An empty tensor of the dtype and its bytes as a Uint8Array view, for readers to fill in place (no extra copy). */
export function allocateRaw(dtype: RawDtype, shape: number[]): { tensor: RawTensor; bytes: Uint8Array } {
  const count = elementCount(shape);
  const data = dtype === 'f32' ? new Float32Array(count) : new Uint16Array(count);
  return { tensor: { dtype, shape, data }, bytes: new Uint8Array(data.buffer) };
}

/** Copies `byteLength` bytes starting at `offset` of `bytes` into a fresh, aligned typed array of the dtype. */
export function rawFromBytes(dtype: RawDtype, shape: number[], bytes: Uint8Array, offset: number): RawTensor {
  const count = elementCount(shape);
  const copy = new Uint8Array(count * bytesPerElement(dtype));
  copy.set(bytes.subarray(offset, offset + copy.length));
  const data = dtype === 'f32' ? new Float32Array(copy.buffer) : new Uint16Array(copy.buffer);
  return { dtype, shape, data };
}

/** The little-endian bytes of a tensor's data (a view, no copy). */
export function rawBytes(tensor: RawTensor): Uint8Array {
  return new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
}
