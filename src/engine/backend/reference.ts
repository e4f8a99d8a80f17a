/**
 * @module engine/backend/reference
 * Plain TypeScript kernels: simple and obviously right. The oracle every faster backend is tested against.
 */
import type { Backend, GemmArgs } from './backend.ts';
import { bf16ToF32 } from './bf16.ts';

function gemmGeneric(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c: Float32Array | Float64Array,
  args: GemmArgs,
  readB: (index: number) => number,
): void {
  const { m, n, k, transA = false, transB = false, beta = 0, batch = 1 } = args;
  const strideA = args.strideA ?? m * k;
  const strideB = args.strideB ?? k * n;
  const strideC = args.strideC ?? m * n;
  for (let p = 0; p < batch; p++) {
    const baseA = (args.offsetA ?? 0) + p * strideA;
    const baseB = (args.offsetB ?? 0) + p * strideB;
    const baseC = (args.offsetC ?? 0) + p * strideC;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let l = 0; l < k; l++) {
          const av = transA ? a[baseA + l * m + i] : a[baseA + i * k + l];
          const bv = transB ? readB(baseB + j * k + l) : readB(baseB + l * n + j);
          sum += av * bv;
        }
        const at = baseC + i * n + j;
        c[at] = beta === 0 ? sum : beta * c[at] + sum;
      }
    }
  }
}

/** Works on Float32Array or Float64Array (the float64 path is used by gradient checks). */
export function referenceGemm(
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  c: Float32Array | Float64Array,
  args: GemmArgs,
): void {
  gemmGeneric(a, b, c, args, (index) => b[index]);
}

export const referenceBackend: Backend = {
  name: 'reference',
  description: 'reference (plain TypeScript, single thread)',
  fastBf16: false,
  gemm: referenceGemm,
  gemmBf16(a, b, c, args) {
    gemmGeneric(a, b, c, args, (index) => bf16ToF32(b[index]));
  },
};
