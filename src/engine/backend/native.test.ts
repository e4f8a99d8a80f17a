import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlingError } from '../../core/errors.ts';
import type { GemmArgs } from './backend.ts';
import { bf16ArrayToF32, f32ArrayToBf16 } from './bf16.ts';
import { checkAgainstReference, randomArray } from './conformance.ts';
import { Worker } from 'node:worker_threads';
import { addonPath, loadNativeAddon } from './native-addon.ts';
import { createNativeBackend } from './native.ts';
import { referenceBackend } from './reference.ts';

const { addon, reason } = loadNativeAddon();
const skip = addon ? false : `${reason}`;

describe('native backend', { skip }, () => {
  const info = addon!.info();
  // Every kernel family this CPU can run, not only the one the dispatcher picks.
  const families = [
    ...(info.amx === 'active' ? (['amx'] as const) : []),
    ...(info.avx512bf16 ? (['avx512bf16'] as const) : []),
    ...(info.avx512 ? (['avx512'] as const) : []),
    ...(info.avx2 ? (['avx2'] as const) : []),
    'portable' as const,
  ];
  for (const isa of families) {
    for (const threshold of [Infinity, 0]) {
      const threads = threshold === 0 ? 'all threads' : 'one thread';
      it(`${isa} FP32 matches the float64 reference (${threads})`, () => {
        addon!.configure({ isa, threshold });
        try {
          checkAgainstReference(createNativeBackend(addon!), 'fp32', 11);
        } finally {
          addon!.configure({ isa: 'best', threshold: info.threshold });
        }
      });
      it(`${isa} bf16 matches the float64 reference (${threads})`, () => {
        addon!.configure({ isa, threshold });
        try {
          checkAgainstReference(createNativeBackend(addon!), 'bf16', 23);
        } finally {
          addon!.configure({ isa: 'best', threshold: info.threshold });
        }
      });
    }
  }

  it('few-row products (decode steps) equal the reference backend on every family, on one thread and shared', () => {
    // m ≤ 8 streams B unpacked (native/src/gemv.h), dealt out in 64-column parts when the pool is used. A is
    // bf16-exact, so the bf16 families' rounding of A changes nothing and one tolerance fits every family.
    const shapes = [[1, 1, 1], [1, 37, 15], [2, 300, 1000], [3, 64, 17], [4, 9, 2], [5, 33, 100], [6, 16, 16], [7, 5, 33], [8, 7, 129], [8, 257, 640]];
    const expected = new Map<string, Float32Array>();
    for (const isa of families) {
      for (const threshold of [Infinity, 0]) {
        addon!.configure({ isa, threshold });
        try {
          const backend = createNativeBackend(addon!);
          for (const [index, [m, n, k]] of shapes.entries()) {
            const a = bf16ArrayToF32(f32ArrayToBf16(randomArray(m * k, index + 1)));
            const b = randomArray(n * k, index + 50);
            const bits = f32ArrayToBf16(b);
            const start = randomArray(m * n, index + 99);
            for (const transB of [true, false]) {
              for (const beta of [0, 1]) {
                for (const precision of ['fp32', 'bf16'] as const) {
                  const args: GemmArgs = { m, n, k, transB, beta };
                  const key = `${index} ${transB} ${beta} ${precision}`;
                  if (!expected.has(key)) {
                    const want = start.slice();
                    if (precision === 'fp32') referenceBackend.gemm(a, b, want, args);
                    else referenceBackend.gemmBf16(a, bits, want, args);
                    expected.set(key, want);
                  }
                  const actual = start.slice();
                  if (precision === 'fp32') backend.gemm(a, b, actual, args);
                  else backend.gemmBf16(a, bits, actual, args);
                  const want = expected.get(key)!;
                  for (let i = 0; i < want.length; i++) {
                    assert.ok(Math.abs(actual[i] - want[i]) <= 1e-6 * (k + 1), `${isa} threshold=${threshold} ${precision} ${m}x${n}x${k} transB=${transB} beta=${beta} i=${i}: ${actual[i]} vs ${want[i]}`);
                  }
                }
              }
            }
          }
        } finally {
          addon!.configure({ isa: 'best', threshold: info.threshold });
        }
      }
    }
  });

  it('describes the CPU features it uses', () => {
    const backend = createNativeBackend(addon!);
    assert.match(backend.description, /^native \(.+, \d+ threads?\)$/);
    assert.equal(backend.fastBf16, info.bf16 !== 'widened');
    if (info.amx !== 'active') assert.notEqual(info.bf16, 'amx');
  });

  it("gives a row the same bf16 result whether it is multiplied alone (decode) or among many (prefill)", () => {
    // Few-row products skip packing; they must round A to bf16 exactly as the tiles do.
    const backend = createNativeBackend(addon!);
    const m = 20, n = 77, k = 300;
    for (const transB of [false, true]) {
      const a = randomArray(m * k, 3);
      const b = f32ArrayToBf16(randomArray(k * n, 4));
      const together = new Float32Array(m * n);
      backend.gemmBf16(a, b, together, { m, n, k, transB });
      const alone = new Float32Array(n);
      backend.gemmBf16(a.subarray(5 * k, 6 * k), b, alone, { m: 1, n, k, transB });
      for (let j = 0; j < n; j++) {
        const expected = together[5 * n + j];
        assert.ok(Math.abs(alone[j] - expected) <= 1e-4 * (Math.abs(expected) + 0.1), `transB=${transB} column ${j}: ${alone[j]} vs ${expected}`);
      }
    }
  });

  it('overwrites NaN in C when beta is 0', () => {
    const c = new Float32Array([NaN, NaN]);
    createNativeBackend(addon!).gemm(new Float32Array([1, 2]), new Float32Array([3, 4, 5, 6]), c, { m: 1, n: 2, k: 2 });
    assert.deepEqual([...c], [13, 16]);
  });

  it('gives right answers when several worker_threads call it at once', async () => {
    // Each thread multiplies its own matrices many times (small: inline on the calling thread; large: through
    // the shared pool) and checks every result against a scalar loop.
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(workerData.addonPath);
      let bad = 0;
      for (let round = 0; round < 30; round++) {
        const n = round % 2 ? 24 : 160, seed = workerData.seed + round;
        const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7 + seed) % 13) - 6);
        const b = Float32Array.from({ length: n * n }, (_, i) => ((i * 5 + seed) % 11) - 5);
        const c = new Float32Array(n * n);
        addon.gemm(0, a, b, c, Float64Array.of(n, n, n, 0, 0, 0, 1, n * n, n * n, n * n, 0, 0, 0));
        for (let i = 0; i < n; i += 7) for (let j = 0; j < n; j += 5) {
          let sum = 0;
          for (let l = 0; l < n; l++) sum += a[i * n + l] * b[l * n + j];
          if (sum !== c[i * n + j]) bad++;
        }
      }
      parentPort.postMessage(bad);`;
    const results = await Promise.all(
      [1, 2, 3].map(
        (seed) =>
          new Promise<number>((resolve, reject) => {
            const worker = new Worker(source, { eval: true, workerData: { addonPath, seed } });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    assert.deepEqual(results, [0, 0, 0]);
  });

  it('rejects operands too small for the arguments instead of reading past them', () => {
    const backend = createNativeBackend(addon!);
    assert.throws(
      () => backend.gemm(new Float32Array(6), new Float32Array(6), new Float32Array(4), { m: 2, n: 2, k: 3, batch: 2 }),
      (error: unknown) => SlingError.isInstance(error) && error.code === 'gemm_out_of_bounds',
    );
  });
});
