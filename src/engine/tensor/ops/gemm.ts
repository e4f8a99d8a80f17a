/**
 * @module engine/tensor/ops/gemm
 * The single place tensor ops reach GEMM: float32 goes through the selected backend (so faster kernels plug
 * in), bf16 B operands through gemmBf16, float64 (gradient checks) through the reference kernel.
 */
import type { GemmArgs } from '../../backend/backend.ts';
import { referenceGemm } from '../../backend/reference.ts';
import { getBackend } from '../../backend/select.ts';
import { SlingError } from '../../../core/errors.ts';
import type { FloatArray, TensorData } from '../tensor.ts';

export function gemm(a: FloatArray, b: TensorData, c: FloatArray, args: GemmArgs): void {
  if (args.m === 0 || args.n === 0) return;
  if (c instanceof Float64Array) {
    if (!(a instanceof Float64Array) || !(b instanceof Float64Array)) {
      throw new SlingError('tensor_dtype_mismatch', 'float64 matmul needs float64 operands');
    }
    referenceGemm(a, b, c, args);
    return;
  }
  if (!(a instanceof Float32Array)) throw new SlingError('tensor_dtype_mismatch', 'float32 matmul needs float32 operands');
  if (b instanceof Uint16Array) getBackend().gemmBf16(a, b, c, args);
  else if (b instanceof Float32Array) getBackend().gemm(a, b, c, args);
  else throw new SlingError('tensor_dtype_mismatch', 'float32 matmul got a float64 operand');
}
