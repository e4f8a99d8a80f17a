/**
 * @module engine/tensor/ops/axes
 * Axis normalisation and the [outer, axis, inner] split that single-axis kernels iterate over.
 */
import { SlingError } from '../../../core/errors.ts';

export function normalizeAxis(axis: number, ndim: number, op: string): number {
  const resolved = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(resolved) || resolved < 0 || resolved >= ndim) {
    throw new SlingError('tensor_axis', `${op}: axis ${axis} is out of range for ${ndim} dims`);
  }
  return resolved;
}

export function normalizeAxes(axes: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const resolved = [...new Set(list.map((axis) => normalizeAxis(axis, ndim, op)))];
  return resolved.sort((x, y) => x - y);
}

/** Sizes before, along and after `axis`: element (o, i, j) lives at (o·n + i)·inner + j. */
export function splitAtAxis(shape: readonly number[], axis: number): { outer: number; n: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, n: shape[axis], inner };
}
