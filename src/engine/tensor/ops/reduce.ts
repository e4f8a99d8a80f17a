/**
 * @module engine/tensor/ops/reduce
 * sum / mean / max over axes. Sum is the adjoint of broadcasting, so it reuses sumToShape and its backward
 * is a broadcast copy. Max (one axis, or all) routes the gradient to the first maximal element.
 */
import { record } from '../autograd.ts';
import { allocate, shapeSize, Tensor } from '../tensor.ts';
import { expandToShape, sumToShape } from './broadcast.ts';
import { normalizeAxes, normalizeAxis, splitAtAxis } from './axes.ts';

function reducedShapes(shape: readonly number[], axes: number[], keepDims: boolean): { kept: number[]; out: number[] } {
  const kept = shape.map((dim, i) => (axes.includes(i) ? 1 : dim));
  const out = keepDims ? kept : shape.filter((_, i) => !axes.includes(i));
  return { kept, out };
}

/** Sum over `axes` (all when omitted). */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const resolved = normalizeAxes(axes, x.ndim, 'sum');
  const { kept, out } = reducedShapes(x.shape, resolved, keepDims);
  let values = sumToShape(x.values, x.shape, kept);
  if (values === x.values) values = values.slice();
  return record(new Tensor(values, out), 'sum', [x], () => (grad) => [expandToShape(grad, kept, x.shape)]);
}

export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const resolved = normalizeAxes(axes, x.ndim, 'mean');
  let count = 1;
  for (const axis of resolved) count *= x.shape[axis];
  const { kept, out } = reducedShapes(x.shape, resolved, keepDims);
  const values = sumToShape(x.values, x.shape, kept).slice();
  const inverse = 1 / count;
  for (let i = 0; i < values.length; i++) values[i] *= inverse;
  return record(new Tensor(values, out), 'mean', [x], () => (grad) => {
    const scaled = grad.slice();
    for (let i = 0; i < scaled.length; i++) scaled[i] *= inverse;
    return [expandToShape(scaled, kept, x.shape)];
  });
}

/** Max over one axis, or over everything when `axis` is omitted. */
export function max(x: Tensor, axis?: number, keepDims = false): Tensor {
  const xv = x.values;
  const shape = axis === undefined ? [x.size] : x.shape;
  const resolved = axis === undefined ? 0 : normalizeAxis(axis, x.ndim, 'max');
  const { outer, n, inner } = splitAtAxis(shape, resolved);
  const values = allocate(x.floatDtype, outer * inner);
  const argmax = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let best = -Infinity;
      let bestIndex = 0;
      for (let i = 0; i < n; i++) {
        const v = xv[(o * n + i) * inner + j];
        if (v > best || Number.isNaN(v)) {
          best = v;
          bestIndex = i;
          if (Number.isNaN(v)) break;
        }
      }
      values[o * inner + j] = best;
      argmax[o * inner + j] = bestIndex;
    }
  }
  let outShape: number[];
  if (axis === undefined) outShape = keepDims ? x.shape.map(() => 1) : [];
  else outShape = reducedShapes(x.shape, [resolved], keepDims).out;
  if (shapeSize(outShape) !== values.length) outShape = [values.length];
  return record(new Tensor(values, outShape), 'max', [x], () => (grad) => {
    const gradX = allocate(x.floatDtype, x.size);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) gradX[(o * n + argmax[o * inner + j]) * inner + j] = grad[o * inner + j];
    }
    return [gradX];
  });
}
