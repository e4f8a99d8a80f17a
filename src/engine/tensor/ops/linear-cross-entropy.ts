/**
 * @module engine/tensor/ops/linear-cross-entropy
 * The LM head and the loss fused: loss = crossEntropy(x·Wᵀ, targets) without ever holding the [N, V] logits.
 * Rows are processed in chunks; for each chunk the logits are computed into a bounded scratch buffer, turned
 * into the loss and, when gradients are needed, straight into dlogits = (softmax − onehot)·scale, from which
 * dX (chunk) and dW (accumulated) follow by GEMM. Backward only multiplies those by the upstream scalar
 * (the Liger-kernel idea). At vocab 150k this avoids gigabytes of logits and their gradient.
 *
 * Shape legend: N rows (tokens), C hidden size, V vocabulary.
 * Gradients are computed during the forward pass when history is recorded, so call backward on the result
 * (or run the forward inside noGrad for evaluation, which computes the loss only).
 */
import { SlingError } from '../../../core/errors.ts';
import { getRowKernels, referenceExpShiftRows } from '../../backend/row-kernels.ts';
import { needsGrad, record } from '../autograd.ts';
import { allocate, Tensor, type FloatArray } from '../tensor.ts';
import { gemm } from './gemm.ts';

export interface LinearCrossEntropyOptions {
  /** Targets equal to this are skipped. Default -100. */
  ignoreIndex?: number;
  /** 'mean' over non-ignored rows (default) or 'sum'. */
  reduction?: 'mean' | 'sum';
  /** Logits held at once (rows per chunk = chunkLogits / V). Default 16M (64 MB in float32). */
  chunkLogits?: number;
}

const CHUNK_LOGITS = 1 << 24;

/** x: [..., C], weight: [V, C] (float, or bf16 when frozen), targets: one id per row of x. Returns a scalar. */
export function linearCrossEntropy(x: Tensor, weight: Tensor, targets: Int32Array, options: LinearCrossEntropyOptions = {}): Tensor {
  const ignoreIndex = options.ignoreIndex ?? -100;
  const reduction = options.reduction ?? 'mean';
  const C = x.shape[x.ndim - 1];
  if (weight.ndim !== 2 || weight.shape[1] !== C) {
    throw new SlingError('tensor_matmul_shape', `linearCrossEntropy: input ${x.label()} does not fit weight ${weight.label()} ([V, C])`);
  }
  const V = weight.shape[0];
  const N = x.size / C;
  if (targets.length !== N) throw new SlingError('tensor_cross_entropy', `linearCrossEntropy: ${targets.length} targets for ${N} rows`);
  let count = 0;
  for (let r = 0; r < N; r++) {
    const target = targets[r];
    if (target === ignoreIndex) continue;
    if (target < 0 || target >= V) {
      throw new SlingError('tensor_cross_entropy', `linearCrossEntropy: target ${target} at row ${r} is outside [0, ${V})`, {
        hint: `use ${ignoreIndex} for positions that should not be scored`,
      });
    }
    count++;
  }
  const dtype = x.floatDtype;
  const xv = x.values;
  const wantX = needsGrad(x);
  const wantW = needsGrad(weight);
  const gradX = wantX ? allocate(dtype, x.size) : null;
  const gradW = wantW ? allocate(dtype, weight.size) : null;
  const scale = reduction === 'mean' ? (count > 0 ? 1 / count : 0) : 1;
  const chunkRows = Math.max(1, Math.min(N, Math.floor((options.chunkLogits ?? CHUNK_LOGITS) / V)));
  const logits = allocate(dtype, chunkRows * V);
  const rowMax = allocate(dtype, chunkRows);
  const rowSum = allocate(dtype, chunkRows);
  let total = 0;
  for (let start = 0; start < N; start += chunkRows) {
    const rows = Math.min(chunkRows, N - start);
    gemm(xv, weight.data, logits, { m: rows, n: V, k: C, transB: true, offsetA: start * C });
    let chunkLoss = 0;
    const targetLogits = new Float64Array(rows);
    for (let r = 0; r < rows; r++) if (targets[start + r] !== ignoreIndex) targetLogits[r] = logits[r * V + targets[start + r]];
    const exps = gradX || gradW ? logits : null; // exp(logit − max) written in place
    expShiftRows(logits, rows, V, rowMax, rowSum, exps);
    for (let r = 0; r < rows; r++) {
      if (targets[start + r] === ignoreIndex) continue;
      chunkLoss += rowMax[r] + Math.log(rowSum[r]) - targetLogits[r];
    }
    total += chunkLoss;
    if (!exps) continue;
    for (let r = 0; r < rows; r++) {
      const base = r * V;
      const target = targets[start + r];
      if (target === ignoreIndex || scale === 0) {
        exps.fill(0, base, base + V);
        continue;
      }
      const factor = scale / rowSum[r];
      for (let j = 0; j < V; j++) exps[base + j] *= factor;
      exps[base + target] -= scale;
    }
    // exps now holds dlogits for this chunk: dX = dlogits·W, dW += dlogitsᵀ·X
    if (gradX) gemm(exps, weight.data, gradX, { m: rows, n: C, k: V, offsetC: start * C });
    if (gradW) gemm(exps, xv, gradW, { m: V, n: C, k: rows, transA: true, offsetB: start * C, beta: start === 0 ? 0 : 1 });
  }
  const value = allocate(dtype, 1);
  value[0] = reduction === 'mean' ? (count > 0 ? total / count : 0) : total;
  return record(new Tensor(value, []), 'linearCrossEntropy', [x, weight], () => (grad) => {
    const g = grad[0];
    if (g !== 1) {
      if (gradX) for (let i = 0; i < gradX.length; i++) gradX[i] *= g;
      if (gradW) for (let i = 0; i < gradW.length; i++) gradW[i] *= g;
    }
    return [gradX, gradW];
  });
}

function expShiftRows(logits: FloatArray, rows: number, cols: number, rowMax: FloatArray, rowSum: FloatArray, exps: FloatArray | null): void {
  if (logits instanceof Float32Array) {
    getRowKernels().expShiftRows(logits, rows, cols, rowMax as Float32Array, rowSum as Float32Array, exps as Float32Array | null);
  } else {
    referenceExpShiftRows(logits, rows, cols, rowMax as Float64Array, rowSum as Float64Array, exps as Float64Array | null);
  }
}
