/**
 * @module engine/tensor/ops/shape
 * Shape ops: reshape (a view sharing the buffer), permute/transpose (copies), slice along an axis, concat and
 * split. Each has the obvious backward (reshape back, inverse permutation, scatter into zeros, slices).
 */
import { SlingError } from '../../../core/errors.ts';
import { record } from '../autograd.ts';
import { allocate, shapeSize, Tensor, type FloatArray } from '../tensor.ts';
import { normalizeAxis, splitAtAxis } from './axes.ts';
import { checkSameDtype } from './elementwise.ts';

/** Same buffer, new shape; one dim may be -1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const resolved = [...shape];
  const unknown = resolved.indexOf(-1);
  if (unknown >= 0) {
    const known = shapeSize(resolved.filter((_, i) => i !== unknown));
    resolved[unknown] = known === 0 ? 0 : x.size / known;
  }
  if (shapeSize(resolved) !== x.size || resolved.some((dim) => !Number.isInteger(dim) || dim < 0)) {
    throw new SlingError('tensor_reshape', `cannot reshape ${x.label()} to [${shape}]`);
  }
  const out = new Tensor(x.data, resolved);
  return record(out, 'reshape', [x], () => (grad) => [grad]);
}

export function permuteKernel(x: FloatArray, shape: readonly number[], order: readonly number[], out: FloatArray): void {
  const ndim = shape.length;
  const inStrides = new Array<number>(ndim);
  let stride = 1;
  for (let d = ndim - 1; d >= 0; d--) {
    inStrides[d] = stride;
    stride *= shape[d];
  }
  const outShape = order.map((d) => shape[d]);
  const strides = order.map((d) => inStrides[d]);
  const inner = outShape[ndim - 1] ?? 1;
  const innerStride = strides[ndim - 1] ?? 1;
  const rows = out.length / inner;
  const index = new Array<number>(ndim).fill(0);
  let offset = 0;
  for (let row = 0; row < rows; row++) {
    const base = row * inner;
    for (let i = 0; i < inner; i++) out[base + i] = x[offset + i * innerStride];
    for (let d = ndim - 2; d >= 0; d--) {
      index[d]++;
      offset += strides[d];
      if (index[d] < outShape[d]) break;
      offset -= strides[d] * outShape[d];
      index[d] = 0;
    }
  }
}

/** out.shape[i] = x.shape[order[i]]. */
export function permute(x: Tensor, order: readonly number[]): Tensor {
  const resolved = order.map((axis) => normalizeAxis(axis, x.ndim, 'permute'));
  if (new Set(resolved).size !== x.ndim || resolved.length !== x.ndim) {
    throw new SlingError('tensor_permute', `permute order [${order}] is not a permutation of ${x.ndim} dims`);
  }
  const out = allocate(x.floatDtype, x.size);
  permuteKernel(x.values, x.shape, resolved, out);
  const inverse = new Array<number>(x.ndim);
  resolved.forEach((axis, i) => (inverse[axis] = i));
  const outShape = resolved.map((d) => x.shape[d]);
  return record(new Tensor(out, outShape), 'permute', [x], () => (grad) => {
    const gradX = allocate(x.floatDtype, x.size);
    permuteKernel(grad, outShape, inverse, gradX);
    return [gradX];
  });
}

export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const order = Array.from({ length: x.ndim }, (_, i) => i);
  const a = normalizeAxis(axis0, x.ndim, 'transpose');
  const b = normalizeAxis(axis1, x.ndim, 'transpose');
  order[a] = b;
  order[b] = a;
  return permute(x, order);
}

/** Elements start..end-1 along `axis` (copied). */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const resolved = normalizeAxis(axis, x.ndim, 'slice');
  const { outer, n, inner } = splitAtAxis(x.shape, resolved);
  if (!(0 <= start && start <= end && end <= n)) {
    throw new SlingError('tensor_slice', `slice [${start}, ${end}) is out of range for axis ${axis} of ${x.label()}`);
  }
  const width = end - start;
  const xv = x.values;
  const out = allocate(x.floatDtype, outer * width * inner);
  for (let o = 0; o < outer; o++) out.set(xv.subarray((o * n + start) * inner, (o * n + end) * inner), o * width * inner);
  const outShape = [...x.shape];
  outShape[resolved] = width;
  return record(new Tensor(out, outShape), 'slice', [x], () => (grad) => {
    const gradX = allocate(x.floatDtype, x.size);
    for (let o = 0; o < outer; o++) gradX.set(grad.subarray(o * width * inner, (o + 1) * width * inner), (o * n + start) * inner);
    return [gradX];
  });
}

export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new SlingError('tensor_concat', 'concat needs at least one tensor');
  const first = tensors[0];
  const resolved = normalizeAxis(axis, first.ndim, 'concat');
  for (const t of tensors) {
    checkSameDtype(first, t, 'concat');
    if (t.ndim !== first.ndim || t.shape.some((dim, i) => i !== resolved && dim !== first.shape[i])) {
      throw new SlingError('tensor_concat', `concat: ${t.label()} does not match ${first.label()} outside axis ${axis}`);
    }
  }
  const widths = tensors.map((t) => t.shape[resolved]);
  const total = widths.reduce((x, y) => x + y, 0);
  const { outer, inner } = splitAtAxis(first.shape, resolved);
  const out = allocate(first.floatDtype, outer * total * inner);
  let position = 0;
  tensors.forEach((t, k) => {
    const tv = t.values;
    const chunk = widths[k] * inner;
    for (let o = 0; o < outer; o++) out.set(tv.subarray(o * chunk, (o + 1) * chunk), (o * total + position) * inner);
    position += widths[k];
  });
  const outShape = [...first.shape];
  outShape[resolved] = total;
  return record(new Tensor(out, outShape), 'concat', [...tensors], () => (grad) => {
    let start = 0;
    return tensors.map((t, k) => {
      const chunk = widths[k] * inner;
      const offset = start;
      start += widths[k];
      if (!t.requiresGrad) return null;
      const gradT = allocate(first.floatDtype, outer * chunk);
      for (let o = 0; o < outer; o++) gradT.set(grad.subarray((o * total + offset) * inner, (o * total + offset) * inner + chunk), o * chunk);
      return gradT;
    });
  });
}

/** Splits along `axis` into pieces of the given sizes (or `sizes` equal pieces when a number). */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const resolved = normalizeAxis(axis, x.ndim, 'split');
  const n = x.shape[resolved];
  const list = typeof sizes === 'number' ? new Array<number>(sizes).fill(n / sizes) : sizes;
  if (list.reduce((a, b) => a + b, 0) !== n || list.some((size) => !Number.isInteger(size))) {
    throw new SlingError('tensor_split', `split sizes [${list}] do not add up to ${n} along axis ${axis} of ${x.label()}`);
  }
  let start = 0;
  return list.map((size) => {
    const piece = slice(x, resolved, start, start + size);
    start += size;
    return piece;
  });
}
