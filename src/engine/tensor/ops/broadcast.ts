/**
 * @module engine/tensor/ops/broadcast
 * NumPy-style broadcasting kernels shared by the elementwise ops: a binary op over two broadcast operands,
 * and its adjoint `sumToShape` (reduce a gradient back to an operand's shape). Loops run row by row over the
 * last output dim so the inner loop is a tight typed-array loop with no per-element calls.
 */
import { SlingError } from '../../../core/errors.ts';
import { allocate, shapeSize, type FloatArray } from '../tensor.ts';

export const ADD = 0;
export const SUB = 1;
export const MUL = 2;
export const DIV = 3;
/** out = a (b ignored): broadcast-copy. */
export const COPY = 4;
export type BinaryOpCode = 0 | 1 | 2 | 3 | 4;

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const ndim = Math.max(a.length, b.length);
  const out: number[] = new Array(ndim);
  for (let i = 0; i < ndim; i++) {
    const da = a[a.length - ndim + i] ?? 1;
    const db = b[b.length - ndim + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new SlingError('tensor_broadcast', `shapes [${a}] and [${b}] cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` laid against `outShape` (right-aligned), 0 on broadcast dims. */
function alignedStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const outIndex = outShape.length - shape.length + i;
    strides[outIndex] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

function rowKernel(
  op: BinaryOpCode, a: FloatArray, ao: number, as: number, b: FloatArray, bo: number, bs: number,
  out: FloatArray, oo: number, n: number,
): void {
  switch (op) {
    case ADD: for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] + b[bo + i * bs]; break;
    case SUB: for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] - b[bo + i * bs]; break;
    case MUL: for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] * b[bo + i * bs]; break;
    case DIV: for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as] / b[bo + i * bs]; break;
    default: for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as];
  }
}

/** out[outShape] = a op b with broadcasting; `out` is allocated when not given. */
export function binaryBroadcast(
  op: BinaryOpCode, a: FloatArray, aShape: readonly number[], b: FloatArray, bShape: readonly number[],
  outShape: readonly number[], out: FloatArray = allocate(a instanceof Float64Array ? 'float64' : 'float32', shapeSize(outShape)),
): FloatArray {
  const n = out.length;
  if (n === 0) return out;
  const aFull = a.length === n;
  const bFull = b.length === n;
  if (aFull && bFull && sameShape(aShape, outShape) && sameShape(bShape, outShape)) {
    rowKernel(op, a, 0, 1, b, 0, 1, out, 0, n);
    return out;
  }
  if (aFull && b.length === 1 && sameShape(aShape, outShape)) {
    rowKernel(op, a, 0, 1, b, 0, 0, out, 0, n);
    return out;
  }
  if (bFull && a.length === 1 && sameShape(bShape, outShape)) {
    rowKernel(op, a, 0, 0, b, 0, 1, out, 0, n);
    return out;
  }
  const ndim = outShape.length;
  const aStrides = alignedStrides(aShape, outShape);
  const bStrides = alignedStrides(bShape, outShape);
  const inner = outShape[ndim - 1];
  const rows = n / inner;
  const index = new Array<number>(ndim).fill(0);
  let ao = 0;
  let bo = 0;
  for (let row = 0; row < rows; row++) {
    rowKernel(op, a, ao, aStrides[ndim - 1], b, bo, bStrides[ndim - 1], out, row * inner, inner);
    for (let d = ndim - 2; d >= 0; d--) {
      index[d]++;
      ao += aStrides[d];
      bo += bStrides[d];
      if (index[d] < outShape[d]) break;
      ao -= aStrides[d] * outShape[d];
      bo -= bStrides[d] * outShape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** Sums `data` (of `fromShape`) down to `toShape`, the adjoint of broadcasting. Returns `data` if equal. */
export function sumToShape(data: FloatArray, fromShape: readonly number[], toShape: readonly number[]): FloatArray {
  if (sameShape(fromShape, toShape)) return data;
  const out = allocate(data instanceof Float64Array ? 'float64' : 'float32', shapeSize(toShape));
  const n = data.length;
  if (n === 0) return out;
  if (out.length === 1) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += data[i];
    out[0] = sum;
    return out;
  }
  const ndim = fromShape.length;
  const strides = alignedStrides(toShape, fromShape);
  const inner = fromShape[ndim - 1];
  const step = strides[ndim - 1];
  const rows = n / inner;
  const index = new Array<number>(ndim).fill(0);
  let offset = 0;
  for (let row = 0; row < rows; row++) {
    const base = row * inner;
    if (step === 0) {
      let sum = 0;
      for (let i = 0; i < inner; i++) sum += data[base + i];
      out[offset] += sum;
    } else {
      for (let i = 0; i < inner; i++) out[offset + i] += data[base + i];
    }
    for (let d = ndim - 2; d >= 0; d--) {
      index[d]++;
      offset += strides[d];
      if (index[d] < fromShape[d]) break;
      offset -= strides[d] * fromShape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** Broadcast-copies `data` of `fromShape` to `toShape`. */
export function expandToShape(data: FloatArray, fromShape: readonly number[], toShape: readonly number[]): FloatArray {
  if (sameShape(fromShape, toShape)) return data;
  return binaryBroadcast(COPY, data, fromShape, data, fromShape, toShape);
}
