/**
 * @module engine/backend/conformance
 * The shared test suite every fast backend runs against `reference`: random inputs of awkward sizes (1, primes,
 * sizes that are no multiple of any tile), all four transpose combinations, beta = 0 / 1 / 0.5, batches with
 * strides, stride-0 broadcast and offsets. The expected result is computed in float64, and the error is
 * measured relative to the norm of |op(A)|·|op(B)| (the size of the terms summed), so a tolerance means the
 * same thing at every K. FP32 must be within 1e-5, bf16 within 1e-2 (A is rounded to bf16 by fast kernels).
 */
import assert from 'node:assert/strict';
import type { Backend, GemmArgs } from './backend.ts';
import { bf16ArrayToF32, f32ArrayToBf16 } from './bf16.ts';
import { referenceGemm } from './reference.ts';

/** Small deterministic generator so failures reproduce. */
export function randomArray(length: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

interface Case {
  args: GemmArgs;
  label: string;
}

export function awkwardCases(): Case[] {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1], [1, 7, 3], [5, 1, 9], [3, 5, 1], [13, 17, 19], [14, 32, 8], [29, 31, 37], [15, 33, 257], [67, 129, 71],
    [61, 301, 520], [211, 97, 1031], [1, 301, 520], [2, 77, 1031], [3, 130, 64], [5, 70, 33], [8, 129, 300],
    // few rows (decode: the native addon streams B unpacked for m ≤ 8)
    [4, 45, 77], [6, 33, 129], [7, 65, 31], [9, 40, 50],
  ];
  const cases: Case[] = [];
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) cases.push({ args: { m, n, k, transA, transB }, label: `${m}x${n}x${k} tA=${transA} tB=${transB}` });
    }
  }
  cases.push({ args: { m: 23, n: 41, k: 0, beta: 0.5 }, label: 'k=0 scales C' });
  cases.push({ args: { m: 31, n: 45, k: 50, beta: 1 }, label: 'beta=1 accumulates' });
  cases.push({ args: { m: 1, n: 45, k: 50, beta: 1, transB: true }, label: 'one row, beta=1' });
  cases.push({ args: { m: 1, n: 100, k: 37, beta: 0.5 }, label: 'one row, beta=0.5' });
  cases.push({ args: { m: 31, n: 45, k: 50, beta: 0.5, transA: true }, label: 'beta=0.5' });
  cases.push({ args: { m: 9, n: 11, k: 13, batch: 4 }, label: 'dense batch' });
  cases.push({ args: { m: 17, n: 35, k: 300, batch: 3, strideB: 0, transB: true }, label: 'batch with B broadcast' });
  cases.push({ args: { m: 40, n: 200, k: 70, batch: 3, strideA: 0, beta: 1 }, label: 'batch with A broadcast, accumulate' });
  cases.push({
    args: { m: 7, n: 9, k: 5, batch: 3, strideA: 50, strideB: 60, strideC: 80, offsetA: 3, offsetB: 11, offsetC: 2, transA: true },
    label: 'strides and offsets with gaps',
  });
  cases.push({ args: { m: 6, n: 8, k: 200, batch: 5, strideC: 0, beta: 1 }, label: 'batch summed into one C (strideC=0)' });
  cases.push({ args: { m: 300, n: 260, k: 280, batch: 2, beta: 1, transA: true, transB: true }, label: 'large enough for threads' });
  cases.push({ args: { m: 3, n: 17, k: 64, batch: 4, strideB: 0, offsetA: 3, offsetC: 2, transB: true }, label: 'few rows, B broadcast, offsets' });
  cases.push({
    args: { m: 8, n: 33, k: 7, batch: 3, strideA: 70, strideB: 240, strideC: 300, offsetA: 5, offsetB: 1, offsetC: 9, beta: 1 },
    label: 'few rows, strides and offsets with gaps, accumulate',
  });
  cases.push({ args: { m: 4, n: 200, k: 700, transB: true, beta: 1 }, label: 'few rows, enough weights for threads, accumulate' });
  cases.push({ args: { m: 2, n: 150, k: 900, beta: 0.5 }, label: 'few rows, B not transposed, enough weights for threads' });
  return cases;
}

function extent(offset: number | undefined, stride: number | undefined, batch: number, size: number): number {
  return (offset ?? 0) + (batch - 1) * (stride ?? size) + size;
}

interface Prepared {
  a: Float32Array;
  bF32: Float32Array;
  bBits: Uint16Array;
  c: Float32Array;
  expected: Float64Array;
  scale: Float64Array;
}

// The float64 oracle is the slow part; each backend/family reuses it.
const prepared = new Map<string, Prepared>();

function prepare(args: GemmArgs, precision: 'fp32' | 'bf16', seed: number): Prepared {
  const key = `${precision}:${seed}:${JSON.stringify(args)}`;
  const cached = prepared.get(key);
  if (cached) return cached;
  const { m, n, k } = args;
  const batch = args.batch ?? 1;
  const a = randomArray(extent(args.offsetA, args.strideA, batch, m * k), seed);
  const bF32 = randomArray(extent(args.offsetB, args.strideB, batch, k * n), seed + 1);
  const c = randomArray(extent(args.offsetC, args.strideC, batch, m * n), seed + 2);
  const bBits = f32ArrayToBf16(bF32);
  const bExact = precision === 'bf16' ? bf16ArrayToF32(bBits) : bF32;
  const expected = Float64Array.from(c);
  referenceGemm(Float64Array.from(a), Float64Array.from(bExact), expected, args);
  // Scale: the same product on absolute values, so cancellation does not make the tolerance meaningless.
  const scale = new Float64Array(c.length);
  referenceGemm(Float64Array.from(a, Math.abs), Float64Array.from(bExact, Math.abs), scale, { ...args, beta: 0 });
  const result = { a, bF32, bBits, c, expected, scale };
  prepared.set(key, result);
  return result;
}

/** Runs every case on `backend` and compares against a float64 reference within `tolerance`. */
export function checkAgainstReference(backend: Backend, precision: 'fp32' | 'bf16', seed = 1): void {
  const tolerance = precision === 'fp32' ? 1e-5 : 1e-2;
  for (const [index, { args, label }] of awkwardCases().entries()) {
    const { a, bF32, bBits, c, expected, scale } = prepare(args, precision, seed + index * 3);
    const actual = Float32Array.from(c);
    if (precision === 'fp32') backend.gemm(a, bF32, actual, args);
    else backend.gemmBf16(a, bBits, actual, args);
    let worst = 0;
    let worstAt = -1;
    for (let i = 0; i < actual.length; i++) {
      const denominator = Math.max(scale[i] + Math.abs(expected[i]), 1e-30);
      const error = Math.abs(actual[i] - expected[i]) / denominator;
      if (!(error <= worst)) {
        worst = error;
        worstAt = i;
      }
    }
    assert.ok(
      worst <= tolerance,
      `${backend.name} ${precision} ${label}: relative error ${worst} at ${worstAt} (got ${actual[worstAt]}, want ${expected[worstAt]})`,
    );
  }
}
