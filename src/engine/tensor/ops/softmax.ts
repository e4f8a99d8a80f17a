/**
 * @module engine/tensor/ops/softmax
 * Numerically stable softmax and log-softmax over one axis (default the last), with fused backward:
 * softmax: dx = y·(g − Σ g·y); log-softmax: dx = g − softmax·Σ g.
 */
import { expOf } from '../../backend/fast-exp.ts';
import { record } from '../autograd.ts';
import { allocate, Tensor, type FloatArray } from '../tensor.ts';
import { normalizeAxis, splitAtAxis } from './axes.ts';

function softmaxKernel(x: FloatArray, out: FloatArray, outer: number, n: number, inner: number, logarithm: boolean): void {
  const precise = x instanceof Float64Array;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let maximum = -Infinity;
      for (let i = 0; i < n; i++) maximum = Math.max(maximum, x[base + i * inner]);
      if (maximum === -Infinity) maximum = 0;
      let total = 0;
      for (let i = 0; i < n; i++) {
        const e = expOf(x[base + i * inner] - maximum, precise);
        if (!logarithm) out[base + i * inner] = e;
        total += e;
      }
      if (logarithm) {
        const logTotal = Math.log(total) + maximum;
        for (let i = 0; i < n; i++) out[base + i * inner] = x[base + i * inner] - logTotal;
      } else {
        const inverse = 1 / total;
        for (let i = 0; i < n; i++) out[base + i * inner] *= inverse;
      }
    }
  }
}

function softmaxLike(x: Tensor, axis: number, logarithm: boolean): Tensor {
  const resolved = normalizeAxis(axis, x.ndim, logarithm ? 'logSoftmax' : 'softmax');
  const { outer, n, inner } = splitAtAxis(x.shape, resolved);
  const y = allocate(x.floatDtype, x.size);
  softmaxKernel(x.values, y, outer, n, inner, logarithm);
  const precise = y instanceof Float64Array;
  return record(new Tensor(y, x.shape), logarithm ? 'logSoftmax' : 'softmax', [x], () => (grad) => {
    const gradX = allocate(x.floatDtype, x.size);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * n * inner + j;
        let dot = 0;
        for (let i = 0; i < n; i++) dot += logarithm ? grad[base + i * inner] : grad[base + i * inner] * y[base + i * inner];
        for (let i = 0; i < n; i++) {
          const at = base + i * inner;
          gradX[at] = logarithm ? grad[at] - expOf(y[at], precise) * dot : y[at] * (grad[at] - dot);
        }
      }
    }
    return [gradX];
  });
}

export function softmax(x: Tensor, axis = -1): Tensor {
  return softmaxLike(x, axis, false);
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return softmaxLike(x, axis, true);
}
