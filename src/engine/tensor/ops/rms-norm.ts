/**
 * @module engine/tensor/ops/rms-norm
 * Fused RMSNorm over the last dim: y = x · rstd · w with rstd = 1/√(mean(x²) + eps), as in Llama.
 * Saves only rstd per row. With x̂ = x·rstd and gw = g·w: dx = rstd·(gw − x̂·mean(gw·x̂)), dw = Σ_rows g·x̂.
 */
import { SlingError } from '../../../core/errors.ts';
import { nativeRows } from '../../backend/native-rows.ts';
import { record } from '../autograd.ts';
import { allocate, Tensor } from '../tensor.ts';
import { checkSameDtype } from './elementwise.ts';

/** x: [..., D], weight: [D]. */
export function rmsNorm(x: Tensor, weight: Tensor, eps: number): Tensor {
  const dim = x.shape[x.ndim - 1];
  checkSameDtype(x, weight, 'rmsNorm');
  if (weight.size !== dim) throw new SlingError('tensor_shape_mismatch', `rmsNorm: weight ${weight.label()} does not fit ${x.label()}`);
  const rows = x.size / dim;
  const xv = x.values;
  const w = weight.values;
  const y = allocate(x.floatDtype, x.size);
  const rstd = allocate(x.floatDtype, rows);
  const native = y instanceof Float32Array ? nativeRows() : null;
  if (native) native.rmsNormForward(xv as Float32Array, w as Float32Array, y as Float32Array, rstd as Float32Array, rows, dim, eps);
  else for (let r = 0; r < rows; r++) {
    const base = r * dim;
    let sumSquares = 0;
    for (let j = 0; j < dim; j++) sumSquares += xv[base + j] * xv[base + j];
    const s = 1 / Math.sqrt(sumSquares / dim + eps);
    rstd[r] = s;
    for (let j = 0; j < dim; j++) y[base + j] = xv[base + j] * s * w[j];
  }
  return record(new Tensor(y, x.shape), 'rmsNorm', [x, weight], () => (grad) => {
    const gradX = x.requiresGrad ? allocate(x.floatDtype, x.size) : null;
    const gradW = weight.requiresGrad ? allocate(x.floatDtype, dim) : null;
    if (native) {
      native.rmsNormBackward(grad as Float32Array, xv as Float32Array, w as Float32Array, rstd as Float32Array, gradX as Float32Array | null, gradW as Float32Array | null, rows, dim);
      return [gradX, gradW];
    }
    for (let r = 0; r < rows; r++) {
      const base = r * dim;
      const s = rstd[r];
      if (gradW) for (let j = 0; j < dim; j++) gradW[j] += grad[base + j] * xv[base + j] * s;
      if (gradX) {
        let dot = 0;
        for (let j = 0; j < dim; j++) dot += grad[base + j] * w[j] * xv[base + j];
        // mean(gw·x̂)·x̂·rstd = dot·s/dim · x·s · s
        const coefficient = (dot * s * s * s) / dim;
        for (let j = 0; j < dim; j++) gradX[base + j] = grad[base + j] * w[j] * s - xv[base + j] * coefficient;
      }
    }
    return [gradX, gradW];
  });
}
