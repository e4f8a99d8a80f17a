/**
 * @module engine/tensor/ops/matmul
 * Batched matmul with transposed operands, and the fused `linear` (x·Wᵀ + b, W stored [out, in] as in
 * Hugging Face). Every product goes through GEMM. Backward computes only the gradients that are needed:
 * a frozen weight (requiresGrad false, e.g. under LoRA) costs no dW GEMM at all.
 *
 * With C = op(A)·op(B): d op(A) = dC·op(B)ᵀ and d op(B) = op(A)ᵀ·dC, mapped back through the flags.
 */
import { SlingError } from '../../../core/errors.ts';
import { record } from '../autograd.ts';
import { allocate, shapeSize, Tensor, type TensorData } from '../tensor.ts';
import { sameShape } from './broadcast.ts';
import { gemm } from './gemm.ts';

export interface MatmulOptions {
  /** A is stored [..., K, M]. */
  transA?: boolean;
  /** B is stored [..., N, K]. */
  transB?: boolean;
}

/**
 * a: [...batch, M, K] (or [..., K, M] with transA), b: [...batch, K, N] (or [..., N, K] with transB).
 * Batch dims must match, or one operand is 2-D and is shared by every batch item. Output [...batch, M, N].
 * b may be bf16 (frozen weight).
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  if (a.ndim < 2 || b.ndim < 2) throw new SlingError('tensor_matmul_shape', `matmul needs ≥2-D operands, got ${a.label()} and ${b.label()}`);
  const m = transA ? a.shape[a.ndim - 1] : a.shape[a.ndim - 2];
  const k = transA ? a.shape[a.ndim - 2] : a.shape[a.ndim - 1];
  const kb = transB ? b.shape[b.ndim - 1] : b.shape[b.ndim - 2];
  const n = transB ? b.shape[b.ndim - 2] : b.shape[b.ndim - 1];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  if (k !== kb || (batchA.length > 0 && batchB.length > 0 && !sameShape(batchA, batchB))) {
    throw new SlingError('tensor_matmul_shape', `matmul: ${a.label()}${transA ? 'ᵀ' : ''} × ${b.label()}${transB ? 'ᵀ' : ''} do not fit`);
  }
  const batchShape = batchA.length > 0 ? batchA : batchB;
  const batch = shapeSize(batchShape);
  const sharedB = batchB.length === 0 && batch > 1;
  const sharedA = batchA.length === 0 && batch > 1;
  const av = a.values;
  const bData = b.data;
  const out = allocate(a.floatDtype, batch * m * n);
  // A shared B with a plain A folds the batch into M: one big GEMM instead of `batch` small ones.
  const fold = sharedB && !transA;
  if (fold) gemm(av, bData, out, { m: batch * m, n, k, transB });
  else gemm(av, bData, out, { m, n, k, transA, transB, batch, strideA: sharedA ? 0 : m * k, strideB: sharedB ? 0 : k * n });
  const result = new Tensor(out, [...batchShape, m, n]);
  return record(result, 'matmul', [a, b], () => (grad) => {
    let gradA = null;
    let gradB = null;
    if (a.requiresGrad) {
      gradA = allocate(a.floatDtype, a.size);
      if (!transA) {
        // dA[M,K] = dC[M,N]·op(B)ᵀ
        if (fold) gemm(grad, bData, gradA, { m: batch * m, n: k, k: n, transB: !transB });
        else accumulateBatches(sharedA, batch, (p, beta) => gemm(grad, bData, gradA!, { m, n: k, k: n, transB: !transB, beta, offsetA: p * m * n, offsetB: sharedB ? 0 : p * k * n, offsetC: sharedA ? 0 : p * m * k }));
      } else {
        // dA stored [K,M] = op(B)·dCᵀ
        accumulateBatches(sharedA, batch, (p, beta) => gemm(bData instanceof Uint16Array ? toFloat(bData) : bData, grad, gradA!, { m: k, n: m, k: n, transA: transB, transB: true, beta, offsetA: sharedB ? 0 : p * k * n, offsetB: p * m * n, offsetC: sharedA ? 0 : p * m * k }));
      }
    }
    if (b.requiresGrad) {
      gradB = allocate(a.floatDtype, b.size);
      if (fold) {
        if (!transB) gemm(av, grad, gradB, { m: k, n, k: batch * m, transA: true });
        else gemm(grad, av, gradB, { m: n, n: k, k: batch * m, transA: true });
      } else if (!transB) {
        // dB[K,N] = op(A)ᵀ·dC
        accumulateBatches(sharedB, batch, (p, beta) => gemm(av, grad, gradB!, { m: k, n, k: m, transA: !transA, beta, offsetA: sharedA ? 0 : p * m * k, offsetB: p * m * n, offsetC: sharedB ? 0 : p * k * n }));
      } else {
        // dB stored [N,K] = dCᵀ·op(A)
        accumulateBatches(sharedB, batch, (p, beta) => gemm(grad, av, gradB!, { m: n, n: k, k: m, transA: true, transB: transA, beta, offsetA: p * m * n, offsetB: sharedA ? 0 : p * m * k, offsetC: sharedB ? 0 : p * k * n }));
      }
    }
    return [gradA, gradB];
  });
}

/** Runs one GEMM per batch item; a shared operand's gradient accumulates (beta 1 after the first). */
function accumulateBatches(shared: boolean, batch: number, run: (item: number, beta: number) => void): void {
  for (let p = 0; p < batch; p++) run(p, shared && p > 0 ? 1 : 0);
}

function toFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] << 16;
  return out;
}

/**
 * y = x·Wᵀ + bias. x: [..., in], weight: [out, in] (float or bf16), bias: [out]. Output [..., out].
 * `productWeight`: the values y and dx are computed with, when they differ from `weight` (bf16 mixed precision:
 * a bf16 copy of an FP32 master weight); dW still lands in `weight`'s gradient (straight-through).
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null, productWeight: TensorData = weight.data): Tensor {
  const inFeatures = x.shape[x.ndim - 1];
  if (weight.ndim !== 2 || weight.shape[1] !== inFeatures) {
    throw new SlingError('tensor_matmul_shape', `linear: input ${x.label()} does not fit weight ${weight.label()} ([out, in])`);
  }
  const outFeatures = weight.shape[0];
  if (bias && (bias.size !== outFeatures || bias.dtype !== x.dtype)) {
    throw new SlingError('tensor_matmul_shape', `linear: bias ${bias.label()} does not fit weight ${weight.label()}`);
  }
  const rows = x.size / inFeatures;
  const xv = x.values;
  const out = allocate(x.floatDtype, rows * outFeatures);
  if (bias) {
    const bv = bias.values;
    for (let r = 0; r < rows; r++) out.set(bv, r * outFeatures);
  }
  gemm(xv, productWeight, out, { m: rows, n: outFeatures, k: inFeatures, transB: true, beta: bias ? 1 : 0 });
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(new Tensor(out, [...x.shape.slice(0, -1), outFeatures]), 'linear', inputs, () => (grad) => {
    let gradX = null;
    let gradW = null;
    let gradBias = null;
    if (x.requiresGrad) {
      gradX = allocate(x.floatDtype, x.size);
      gemm(grad, productWeight, gradX, { m: rows, n: inFeatures, k: outFeatures });
    }
    if (weight.requiresGrad) {
      // Micro-batch accumulation: add straight into an existing leaf gradient (beta 1) instead of a new buffer.
      const existing = weight.isLeaf ? weight.grad : null;
      if (existing) gemm(grad, xv, existing.values, { m: outFeatures, n: inFeatures, k: rows, transA: true, beta: 1 });
      else {
        gradW = allocate(x.floatDtype, weight.size);
        gemm(grad, xv, gradW, { m: outFeatures, n: inFeatures, k: rows, transA: true });
      }
    }
    if (bias?.requiresGrad) {
      gradBias = allocate(x.floatDtype, outFeatures);
      for (let r = 0; r < rows; r++) for (let j = 0; j < outFeatures; j++) gradBias[j] += grad[r * outFeatures + j];
    }
    return [gradX, gradW, gradBias];
  });
}
