/**
 * Parity of the native row kernels and fused attention (native/src, via backend/native-rows.ts) with the
 * TypeScript loops they replace. setNativeRows(false) gives those loops, which the ops' own tests check
 * against float64 finite differences, so they are the oracle here. Every case runs float32 inputs of awkward
 * sizes (1, primes, not multiples of 16, large enough to fan out over the thread pool) forward and backward,
 * under each row-kernel configuration: default, threshold 0 (every call split over the pool), threshold ∞ (one
 * thread), the portable (1-lane) table and, where the CPU has it, AVX-512. Skipped when the backend is not native.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeRows, setNativeRows } from '../../backend/native-rows.ts';
import { Random } from '../random.ts';
import { Tensor } from '../tensor.ts';
import { crossEntropy, type CrossEntropyOptions } from './cross-entropy.ts';
import { linearCrossEntropy } from './linear-cross-entropy.ts';
import { rmsNorm } from './rms-norm.ts';
import { swiglu } from './unary.ts';

const native = nativeRows();
const skip = native ? false : 'native row kernels unavailable (backend is not native, or an old addon build)';
const defaults = native?.rowsInfo();

type Configuration = { isa?: 'avx512' | 'portable' | 'best'; threshold?: number };
const configurations: Configuration[] = [
  {},
  { threshold: 0 },
  { threshold: Infinity },
  { isa: 'portable' },
  { isa: 'portable', threshold: 0 },
  ...(defaults?.isa === 'avx512' ? [{ isa: 'avx512' as const, threshold: 0 }] : []),
];

function float32(random: Random, size: number, scale = 1, shift = 0): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = shift + scale * random.normal();
  return out;
}

function leaf(random: Random, shape: number[], scale = 1, shift = 0): Tensor {
  return new Tensor(float32(random, shape.reduce((a, b) => a * b, 1), scale, shift), shape, true);
}

/**
 * |actual − expected| ≤ tolerance·(|expected| + rms(expected) + terms) element by element. The RMS floor is
 * there because several outputs are differences (attention's dS, cross-entropy's softmax − onehot) that cancel
 * to near zero, where one float32 rounding of the terms is already a large relative error. `terms` (optional)
 * is the size of the terms an element is the difference of, where that is known to cancel badly.
 */
function assertNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, label: string, terms?: ArrayLike<number>): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let squares = 0;
  for (let i = 0; i < expected.length; i++) squares += expected[i] * expected[i];
  const floor = Math.sqrt(squares / Math.max(1, expected.length));
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= tolerance * (Math.abs(expected[i]) + floor + (terms ? terms[i] : 0))) && !(actual[i] === expected[i])) {
      assert.fail(`${label}[${i}]: native ${actual[i]} vs TypeScript ${expected[i]} (error ${error.toExponential(2)}, rms ${floor.toExponential(2)})`);
    }
  }
}

/** Runs `op` with the TypeScript loops, then natively under every configuration, comparing all arrays it returns. */
function parity(label: string, op: () => Float32Array[], tolerance = 1e-5, terms: (ArrayLike<number> | undefined)[] = []): void {
  setNativeRows(false);
  const expected = op().map((array) => array.slice());
  setNativeRows(true);
  try {
    for (const configuration of configurations) {
      native!.rowsConfigure(configuration);
      const actual = op();
      const name = `${label} ${JSON.stringify(configuration)}`;
      assert.equal(actual.length, expected.length, name);
      actual.forEach((array, i) => assertNear(array, expected[i], tolerance, `${name} #${i}`, terms[i]));
      native!.rowsConfigure({ isa: 'best', threshold: defaults!.threshold });
    }
  } finally {
    native!.rowsConfigure({ isa: 'best', threshold: defaults!.threshold });
  }
}

/** Forward output and the gradient of every leaf that requires one, for upstream gradient `upstream`. */
function forwardBackward(leaves: Tensor[], forward: () => Tensor, upstream?: Float32Array): Float32Array[] {
  leaves.forEach((t) => t.zeroGrad());
  const out = forward();
  const values = (out.values as Float32Array).slice();
  out.backward(upstream ? new Tensor(upstream, out.shape) : undefined);
  return [values, ...leaves.filter((t) => t.requiresGrad).map((t) => t.grad!.values as Float32Array)];
}

// [rows, dim]: 1×1, a prime row length, one row past a 16-lane vector, and a size that crosses the thread threshold
const rowShapes: [number, number][] = [[1, 1], [3, 17], [7, 31], [5, 100], [2, 16], [300, 513]];

/**
 * dx = rstd·g·w − x·rstd³·mean(g·w·x): the two terms cancel along x (completely for dim 1, where dx = g·w·rstd·
 * eps/(x² + eps)), so the error is measured against the size of the first term, |g·w·rstd|.
 */
function rmsNormTerms(x: Float32Array, weight: Float32Array, upstream: Float32Array, rows: number, dim: number, eps: number): Float64Array {
  const terms = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let squares = 0;
    for (let j = 0; j < dim; j++) squares += x[r * dim + j] ** 2;
    const rstd = 1 / Math.sqrt(squares / dim + eps);
    for (let j = 0; j < dim; j++) terms[r * dim + j] = Math.abs(upstream[r * dim + j] * weight[j] * rstd);
  }
  return terms;
}

test('native rmsNorm forward and backward match the TypeScript loops', { skip }, () => {
  const random = new Random(40);
  for (const [rows, dim] of rowShapes) {
    const x = leaf(random, [rows, dim]);
    const weight = leaf(random, [dim], 0.5, 1);
    const upstream = float32(random, rows * dim);
    for (const eps of [1e-5, 1e-6]) {
      const terms = rmsNormTerms(x.values as Float32Array, weight.values as Float32Array, upstream, rows, dim, eps);
      parity(`rmsNorm ${rows}×${dim}`, () => forwardBackward([x, weight], () => rmsNorm(x, weight, eps), upstream), 1e-5, [undefined, terms]);
      // only one of the two gradients wanted
      const frozen = new Tensor(weight.values, weight.shape);
      parity(`rmsNorm dx only ${rows}×${dim}`, () => forwardBackward([x], () => rmsNorm(x, frozen, eps), upstream), 1e-5, [undefined, terms]);
    }
  }
});

test('native swiglu forward and backward match the TypeScript loops', { skip }, () => {
  const random = new Random(41);
  for (const size of [1, 15, 17, 257, 40009]) {
    // gates up to ±12 so sigmoid saturates at both ends
    const gate = leaf(random, [size], 4);
    const up = leaf(random, [size]);
    const upstream = float32(random, size);
    parity(`swiglu ${size}`, () => forwardBackward([gate, up], () => swiglu(gate, up), upstream));
    const frozenUp = new Tensor(up.values, up.shape);
    parity(`swiglu gate only ${size}`, () => forwardBackward([gate], () => swiglu(gate, frozenUp), upstream));
  }
});

test('native cross-entropy (exp-shift rows forward, scaled rows backward) matches the TypeScript loops', { skip }, () => {
  const random = new Random(42);
  const shapes: [number, number][] = [[1, 1], [1, 2], [5, 31], [13, 1009], [37, 4099]];
  for (const [rows, vocab] of shapes) {
    // logits spread over ±24 so some rows are nearly one-hot
    const logits = leaf(random, [rows, vocab], 8);
    const targets = new Int32Array(rows).map((_, r) => (r % 4 === 3 ? -100 : random.nextInt(vocab)));
    for (const reduction of ['mean', 'sum', 'none'] as CrossEntropyOptions['reduction'][]) {
      const upstream = reduction === 'none' ? float32(random, rows) : undefined;
      parity(`crossEntropy ${rows}×${vocab} ${reduction}`, () => forwardBackward([logits], () => crossEntropy(logits, targets, { reduction }), upstream));
    }
  }
});

test('native linear+cross-entropy matches the TypeScript loops', { skip }, () => {
  const random = new Random(43);
  for (const [rows, dim, vocab] of [[1, 3, 5], [19, 33, 1031], [64, 64, 2053]]) {
    const hidden = leaf(random, [rows, dim]);
    const head = leaf(random, [vocab, dim], 0.5);
    const targets = new Int32Array(rows).map((_, r) => (r % 5 === 4 ? -100 : random.nextInt(vocab)));
    parity(`linearCrossEntropy ${rows}×${dim}→${vocab}`, () => forwardBackward([hidden, head], () => linearCrossEntropy(hidden, head, targets)));
  }
});

test('native exp is accurate to a few float32 ulp over the softmax range', { skip }, () => {
  // each row [0, x] has max 0, so the stored exps are exp(0) = 1 and exp(x)
  const count = 4001;
  const x = new Float32Array(2 * count);
  for (let i = 0; i < count; i++) x[2 * i + 1] = Math.fround(-104 + (104 * i) / (count - 1));
  for (const configuration of configurations) {
    native!.rowsConfigure(configuration);
    const exps = new Float32Array(x.length);
    native!.expShiftRows(x, count, 2, new Float32Array(count), new Float32Array(count), exps);
    for (let i = 0; i < count; i++) {
      const exact = Math.exp(x[2 * i + 1]);
      // below 2^-126 float32 is subnormal: allow one step of the smallest subnormal (1.4e-45)
      assert.ok(Math.abs(exps[2 * i + 1] - exact) <= 4e-7 * exact + 1.5e-45, `exp(${x[2 * i + 1]}) = ${exps[2 * i + 1]}, exact ${exact}`);
    }
  }
  native!.rowsConfigure({ isa: 'best', threshold: defaults!.threshold });
});
