/**
 * @module engine/backend/gemm-args
 * Validates GemmArgs against the actual array lengths and fills in defaults, once, in TypeScript, so the
 * native and wasm kernels can trust every index they touch (they read raw memory without bounds checks).
 */
import { SlingError } from '../../core/errors.ts';
import type { GemmArgs } from './backend.ts';

export interface ResolvedGemm {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  beta: number;
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
  offsetA: number;
  offsetB: number;
  offsetC: number;
}

function count(value: number | undefined, field: string, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 0) {
    throw new SlingError('gemm_argument', `gemm ${field} must be a non-negative integer, got ${value}`, { field });
  }
  return resolved;
}

/** The last element a batched operand touches must lie inside its array. */
function checkExtent(name: string, offset: number, stride: number, batch: number, size: number, length: number): void {
  if (size === 0 || batch === 0) return;
  const last = offset + (batch - 1) * stride + size - 1;
  if (last >= length) {
    throw new SlingError('gemm_out_of_bounds', `gemm operand ${name} needs ${last + 1} elements but has ${length}`, {
      field: name,
      hint: 'check m, n, k, batch, strides and offsets against the tensor sizes',
    });
  }
}

export function resolveGemmArgs(args: GemmArgs, lengthA: number, lengthB: number, lengthC: number): ResolvedGemm {
  const m = count(args.m, 'm', 0);
  const n = count(args.n, 'n', 0);
  const k = count(args.k, 'k', 0);
  const batch = count(args.batch, 'batch', 1);
  const beta = args.beta ?? 0;
  if (!Number.isFinite(beta)) throw new SlingError('gemm_argument', `gemm beta must be finite, got ${beta}`, { field: 'beta' });
  const resolved: ResolvedGemm = {
    m,
    n,
    k,
    transA: args.transA ?? false,
    transB: args.transB ?? false,
    beta,
    batch,
    strideA: count(args.strideA, 'strideA', m * k),
    strideB: count(args.strideB, 'strideB', k * n),
    strideC: count(args.strideC, 'strideC', m * n),
    offsetA: count(args.offsetA, 'offsetA', 0),
    offsetB: count(args.offsetB, 'offsetB', 0),
    offsetC: count(args.offsetC, 'offsetC', 0),
  };
  if (m > 0 && n > 0) {
    checkExtent('a', resolved.offsetA, resolved.strideA, batch, m * k, lengthA);
    checkExtent('b', resolved.offsetB, resolved.strideB, batch, k * n, lengthB);
  }
  checkExtent('c', resolved.offsetC, resolved.strideC, batch, m * n, lengthC);
  return resolved;
}

/** Packs a resolved GEMM into the 13-number layout the native addon and the wasm kernels read. */
export function gemmParams(resolved: ResolvedGemm, into = new Float64Array(13)): Float64Array {
  into[0] = resolved.m;
  into[1] = resolved.n;
  into[2] = resolved.k;
  into[3] = resolved.transA ? 1 : 0;
  into[4] = resolved.transB ? 1 : 0;
  into[5] = resolved.beta;
  into[6] = resolved.batch;
  into[7] = resolved.strideA;
  into[8] = resolved.strideB;
  into[9] = resolved.strideC;
  into[10] = resolved.offsetA;
  into[11] = resolved.offsetB;
  into[12] = resolved.offsetC;
  return into;
}
