/**
 * @module engine/tensor/ops/cross-entropy
 * Fused log-softmax + negative log-likelihood. Numerically stable (log-sum-exp with the row max), targets with
 * `ignoreIndex` contribute nothing, 'mean' divides by the number of non-ignored targets (a batch where every
 * target is ignored gives loss 0 and zero gradient rather than NaN).
 * When a gradient is needed the forward pass writes exp(logit − rowmax) into the buffer that backward turns into
 * dlogits = (softmax − onehot)·g in place (one multiply by g/rowsum), so exp runs once per logit, there is no
 * separate normalisation pass, and the logits themselves are not kept.
 */
import { SlingError } from '../../../core/errors.ts';
import { nativeRows } from '../../backend/native-rows.ts';
import { getRowKernels, referenceExpShiftRows } from '../../backend/row-kernels.ts';
import { needsGrad, record } from '../autograd.ts';
import { allocate, Tensor, type FloatArray } from '../tensor.ts';

export interface CrossEntropyOptions {
  /** Targets equal to this are skipped. Default -100 (PyTorch / Hugging Face convention). */
  ignoreIndex?: number;
  /** 'mean' over non-ignored rows (default), 'sum', or 'none' for per-row losses shaped like the targets. */
  reduction?: 'mean' | 'sum' | 'none';
}

/** logits: [..., V]; targets: one class id per row (prod of the leading dims). */
export function crossEntropy(logits: Tensor, targets: Int32Array, options: CrossEntropyOptions = {}): Tensor {
  const ignoreIndex = options.ignoreIndex ?? -100;
  const reduction = options.reduction ?? 'mean';
  const vocab = logits.shape[logits.ndim - 1];
  const rows = logits.size / vocab;
  if (targets.length !== rows) {
    throw new SlingError('tensor_cross_entropy', `crossEntropy: ${targets.length} targets for ${rows} rows of ${logits.label()}`);
  }
  for (let r = 0; r < rows; r++) {
    const target = targets[r];
    if (target !== ignoreIndex && (target < 0 || target >= vocab)) {
      throw new SlingError('tensor_cross_entropy', `crossEntropy: target ${target} at row ${r} is outside [0, ${vocab})`, {
        hint: `use ${ignoreIndex} for positions that should not be scored`,
      });
    }
  }
  const x = logits.values;
  const probabilities: FloatArray | null = needsGrad(logits) ? allocate(logits.floatDtype, logits.size) : null;
  const rowMax = allocate(logits.floatDtype, rows);
  const rowSums = allocate(logits.floatDtype, rows);
  if (x instanceof Float32Array) getRowKernels().expShiftRows(x, rows, vocab, rowMax as Float32Array, rowSums as Float32Array, probabilities as Float32Array | null);
  else referenceExpShiftRows(x, rows, vocab, rowMax as Float64Array, rowSums as Float64Array, probabilities as Float64Array | null);
  const losses = allocate(logits.floatDtype, rows);
  let count = 0;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const target = targets[r];
    if (target === ignoreIndex) continue;
    losses[r] = rowMax[r] + Math.log(rowSums[r]) - x[r * vocab + target];
    total += losses[r];
    count++;
  }
  let out: Tensor;
  if (reduction === 'none') out = new Tensor(losses, logits.shape.slice(0, -1));
  else {
    const value = allocate(logits.floatDtype, 1);
    value[0] = reduction === 'mean' ? (count > 0 ? total / count : 0) : total;
    out = new Tensor(value, []);
  }
  return record(out, 'crossEntropy', [logits], () => (grad) => {
    const gradLogits = probabilities!; // unnormalised exp(x − max) until scaled below
    const meanScale = reduction === 'mean' ? (count > 0 ? 1 / count : 0) : 1;
    const native = gradLogits instanceof Float32Array ? nativeRows() : null;
    if (native) {
      // one multi-threaded pass scales every row; the few target entries and ignored rows are fixed up here
      const factors = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        if (targets[r] !== ignoreIndex) factors[r] = ((reduction === 'none' ? grad[r] : grad[0]) * meanScale) / rowSums[r];
      }
      native.scaleRows(gradLogits as Float32Array, rows, vocab, factors);
      for (let r = 0; r < rows; r++) {
        const target = targets[r];
        const g = target === ignoreIndex ? 0 : (reduction === 'none' ? grad[r] : grad[0]) * meanScale;
        if (g === 0) gradLogits.fill(0, r * vocab, (r + 1) * vocab);
        else gradLogits[r * vocab + target] -= g;
      }
      return [gradLogits];
    }
    for (let r = 0; r < rows; r++) {
      const target = targets[r];
      const base = r * vocab;
      const g = target === ignoreIndex ? 0 : (reduction === 'none' ? grad[r] : grad[0]) * meanScale;
      if (g === 0) {
        gradLogits.fill(0, base, base + vocab);
        continue;
      }
      const factor = g / rowSums[r];
      for (let j = 0; j < vocab; j++) gradLogits[base + j] *= factor;
      gradLogits[base + target] -= g;
    }
    return [gradLogits];
  });
}
