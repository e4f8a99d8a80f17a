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
import { loadNativeAddon } from '../../backend/native-addon.ts';
import { Random } from '../random.ts';
import { Tensor } from '../tensor.ts';
import { crossEntropy, type CrossEntropyOptions } from './cross-entropy.ts';
import { attention, type AttentionOptions } from './attention.ts';
import { add } from './elementwise.ts';
import { linearCrossEntropy } from './linear-cross-entropy.ts';
import { rmsNorm } from './rms-norm.ts';
import { rope, type RopeOptions } from './rope.ts';
import { ropeFrequencies, ropeTable } from './rope-frequencies.ts';
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
 * is the size of the terms an element is the difference of (per element, or one size for all), where those
 * are known to cancel badly.
 */
function assertNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, label: string, terms?: Terms): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let squares = 0;
  for (let i = 0; i < expected.length; i++) squares += expected[i] * expected[i];
  const floor = Math.sqrt(squares / Math.max(1, expected.length));
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= tolerance * (Math.abs(expected[i]) + floor + (typeof terms === 'number' ? terms : terms ? terms[i] : 0))) && !(actual[i] === expected[i])) {
      assert.fail(`${label}[${i}]: native ${actual[i]} vs TypeScript ${expected[i]} (error ${error.toExponential(2)}, rms ${floor.toExponential(2)})`);
    }
  }
}

type Terms = number | ArrayLike<number>;

/** Runs `op` with the TypeScript loops, then natively under every configuration, comparing all arrays it returns. */
function parity(label: string, op: () => Float32Array[], tolerance = 1e-5, terms: (Terms | undefined)[] = []): void {
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

test('native add equals the TypeScript add bit for bit (same shapes; broadcasting adds stay in TypeScript)', { skip }, () => {
  const random = new Random(46);
  // float32 + float32 rounded through float64 is the correctly rounded float32 sum (53 ≥ 2·24 + 2), so exact
  for (const shape of [[1], [17], [3, 13], [40009], [2, 300, 1031]]) {
    const a = leaf(random, shape);
    const b = leaf(random, shape);
    const upstream = float32(random, a.size);
    parity(`add [${shape}]`, () => forwardBackward([a, b], () => add(a, b), upstream), 0);
  }
  const rows = leaf(random, [7, 19]);
  const bias = leaf(random, [19]);
  const upstream = float32(random, rows.size);
  parity('add [7, 19] + [19]', () => forwardBackward([rows, bias], () => add(rows, bias), upstream), 0);
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

test('native rope forward and backward match the TypeScript loops', { skip }, () => {
  const random = new Random(44);
  // [B, T, H, D, rotary dims]: D = 2, partial rotary, half = 17 (not a multiple of 16), a size past the thread threshold
  const shapes = [[1, 1, 1, 2, 2], [2, 3, 5, 6, 4], [3, 7, 3, 34, 34], [1, 5, 2, 40, 24], [2, 67, 8, 130, 130]];
  for (const [B, T, H, D, rotary] of shapes) {
    const table = ropeTable(ropeFrequencies(rotary, 10000), 2 * T + 9);
    const x = leaf(random, [B, T, H, D]);
    const upstream = float32(random, x.size);
    const positionSets: RopeOptions['positions'][] = [
      undefined,
      new Int32Array(T).map(() => random.nextInt(table.maxPositions)),
      new Int32Array(B * T).map(() => random.nextInt(table.maxPositions)),
    ];
    for (const convention of ['half', 'interleaved'] as const) {
      for (const positions of positionSets) {
        const options = { convention, positions, offset: positions ? undefined : T + 3 };
        parity(`rope [${B}, ${T}, ${H}, ${D}] rotary ${rotary} ${convention} ${positions?.length ?? 'offset'}`, () => forwardBackward([x], () => rope(x, table, options), upstream));
      }
    }
  }
});

// [name, [B, T, S, Hq, Hkv, D], options]; masks as attention.test.ts gives them
function attentionCases(random: Random): [string, number[], AttentionOptions][] {
  const keyMask = (B: number, S: number) => new Uint8Array(B * S).map(() => (random.nextFloat() < 0.7 ? 1 : 0));
  // packed sequences: segment ids 0, 0, …, 1, 1, … with boundaries at random places
  const segments = (B: number, T: number) => {
    const ids = new Int32Array(B * T);
    for (let b = 0; b < B; b++) for (let t = 1; t < T; t++) ids[b * T + t] = ids[b * T + t - 1] + (random.nextFloat() < 0.08 ? 1 : 0);
    return ids;
  };
  return [
    ['1×1', [1, 1, 1, 1, 1, 1], {}],
    ['causal MHA', [2, 5, 5, 2, 2, 3], {}],
    ['non-causal GQA', [1, 3, 4, 4, 2, 5], { causal: false }],
    ['causal GQA 6/2, key lengths', [2, 61, 61, 6, 2, 17], { keyLengths: new Int32Array([61, 23]) }],
    ['key padding mask, non-causal', [3, 29, 29, 2, 1, 16], { causal: false, keyMask: keyMask(3, 29) }],
    ['key padding mask, causal', [2, 57, 57, 4, 4, 33], { keyMask: keyMask(2, 57) }],
    ['packed segments', [2, 113, 113, 3, 1, 19], { segmentIds: segments(2, 113) }],
    ['packed segments + key mask + GQA', [1, 71, 71, 4, 2, 8], { segmentIds: segments(1, 71), keyMask: keyMask(1, 71) }],
    ['sliding window 7', [2, 59, 59, 2, 1, 11], { window: 7 }],
    ['sliding window 1, GQA', [1, 13, 13, 4, 2, 7], { window: 1 }],
    ['kv-cache offset, T < S', [2, 3, 41, 2, 1, 9], { offset: 38 }],
    ['decode, T = 1', [3, 1, 97, 6, 3, 64], { offset: 96 }],
    ['custom scale, non-causal', [1, 17, 23, 1, 1, 1], { causal: false, scale: 0.7 }],
    ['no visible key for some rows', [2, 9, 9, 2, 1, 5], { causal: false, keyMask: new Uint8Array(18).map((_, i) => (i < 9 ? 0 : i % 2)) }],
    // crosses the pool threshold (~8e6 FLOPs) and several 56-row query blocks
    ['long causal GQA', [2, 130, 130, 4, 2, 33], {}],
    ['long, segments + window + GQA', [1, 200, 200, 8, 2, 64], { segmentIds: segments(1, 200), window: 50 }],
  ];
}

test('native attention forward and backward match the TypeScript path, with every mask', { skip }, () => {
  const random = new Random(45);
  const addon = loadNativeAddon().addon!;
  for (const [name, [B, T, S, Hq, Hkv, D], options] of attentionCases(random)) {
    const q = leaf(random, [B, T, Hq, D]);
    const k = leaf(random, [B, S, Hkv, D]);
    const v = leaf(random, [B, S, Hkv, D]);
    const upstream = float32(random, q.size);
    const label = `attention ${name} [${B}, ${T}, ${S}, ${Hq}, ${Hkv}, ${D}]`;
    // dS = P⊙(dP − Σ P·dP)·scale cancels (exactly, for a row that sees one key, as every row does under window 1):
    // dq and dk are measured against the size of their terms, Σ P·|dP|·scale·|k| ≈ |dO|·|v|·|k| = 1 here
    const terms = [undefined, 1, 1, undefined];
    parity(label, () => forwardBackward([q, k, v], () => attention(q, k, v, options), upstream), 1e-5, terms);
    // the GEMM family inside the kernel: the portable one too (strided operands take other packing paths)
    addon.configure({ isa: 'portable' });
    try {
      parity(`${label} portable GEMM`, () => forwardBackward([q, k, v], () => attention(q, k, v, options), upstream), 1e-5, terms);
    } finally {
      addon.configure({ isa: 'best' });
    }
    // gradients for only some inputs
    const [frozenQ, frozenKV] = [new Tensor(q.values, q.shape), [k, v].map((t) => new Tensor(t.values, t.shape))];
    parity(`${label} dq only`, () => forwardBackward([q], () => attention(q, frozenKV[0], frozenKV[1], options), upstream), 1e-5, [undefined, 1]);
    parity(`${label} dk, dv only`, () => forwardBackward([k, v], () => attention(frozenQ, k, v, options), upstream), 1e-5, [undefined, 1]);
  }
});
