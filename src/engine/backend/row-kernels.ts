/**
 * @module engine/backend/row-kernels
 * Row-wise exp kernels behind the tensor layer's cross-entropy: per row, the max and Σ exp(x − max), optionally
 * storing exp(x − max). At vocab 32000 this is the largest non-GEMM cost of a training step, so it is a
 * swappable kernel: `referenceRowKernels` uses Math.exp, `javascriptRowKernels` the 2× faster fastExp (float32
 * accuracy), and on the native backend the addon's AVX-512 multi-threaded kernel is the default; tests can
 * install their own with setRowKernels. float64 tensors always use the reference (gradient checks).
 */
import { expOf } from './fast-exp.ts';
import { nativeRows } from './native-rows.ts';

export interface RowKernels {
  readonly name: string;
  /**
   * For each of `rows` rows of length `cols` (row r starts at r·cols): rowMax[r] = max, rowSum[r] = Σ exp(x − max);
   * if `exps` is given, exps[i] = exp(x[i] − rowMax[r]) (`exps` may be `x` itself: in-place must work).
   * A row of all −∞ gets max −∞ and sum 0.
   */
  expShiftRows(x: Float32Array, rows: number, cols: number, rowMax: Float32Array, rowSum: Float32Array, exps: Float32Array | null): void;
}

/** Generic over float32/float64 so the float64 path can share it. */
export function referenceExpShiftRows<T extends Float32Array | Float64Array>(
  x: T, rows: number, cols: number, rowMax: T, rowSum: T, exps: T | null,
): void {
  expShiftRows(x, rows, cols, rowMax, rowSum, exps, true);
}

function expShiftRows<T extends Float32Array | Float64Array>(
  x: T, rows: number, cols: number, rowMax: T, rowSum: T, exps: T | null, precise: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let maximum = -Infinity;
    for (let j = 0; j < cols; j++) if (x[base + j] > maximum) maximum = x[base + j];
    let sum = 0;
    if (maximum !== -Infinity) {
      if (exps) {
        for (let j = 0; j < cols; j++) {
          const e = expOf(x[base + j] - maximum, precise);
          exps[base + j] = e;
          sum += e;
        }
      } else {
        for (let j = 0; j < cols; j++) sum += expOf(x[base + j] - maximum, precise);
      }
    } else if (exps) exps.fill(0, base, base + cols);
    rowMax[r] = maximum;
    rowSum[r] = sum;
  }
}

export const referenceRowKernels: RowKernels = { name: 'reference', expShiftRows: referenceExpShiftRows };

export const javascriptRowKernels: RowKernels = {
  name: 'javascript (fastExp)',
  expShiftRows: (x, rows, cols, rowMax, rowSum, exps) => expShiftRows(x, rows, cols, rowMax, rowSum, exps, false),
};

let installed: RowKernels | null = null;
let nativeKernels: RowKernels | null = null;

export function getRowKernels(): RowKernels {
  if (installed) return installed;
  const native = nativeRows();
  if (!native) return javascriptRowKernels;
  nativeKernels ??= { name: `native (${native.rowsInfo().isa})`, expShiftRows: (...args) => native.expShiftRows(...args) };
  return nativeKernels;
}

export function setRowKernels(kernels: RowKernels): void {
  installed = kernels;
}
