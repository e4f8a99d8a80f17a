import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { checkAgainstReference } from './conformance.ts';
import { createWasmBackend } from './wasm.ts';

describe('wasm backend', () => {
  const single = createWasmBackend({ threads: 1 });
  const threaded = createWasmBackend({ threads: 2, threshold: 0 });
  after(async () => {
    await threaded.close();
  });

  it('FP32 matches the float64 reference (one thread)', () => checkAgainstReference(single, 'fp32', 31));
  it('bf16 matches the float64 reference (one thread)', () => checkAgainstReference(single, 'bf16', 37));
  it('FP32 matches the float64 reference (two threads, every size split)', () => checkAgainstReference(threaded, 'fp32', 41));
  it('bf16 matches the float64 reference (two threads, every size split)', () => checkAgainstReference(threaded, 'bf16', 43));

  it('leaves the gaps between strided C matrices untouched', () => {
    const c = new Float32Array(10).fill(7);
    threaded.gemm(new Float32Array([1, 2]), new Float32Array([3, 4]), c, { m: 1, n: 1, k: 1, batch: 2, strideC: 5, offsetC: 1 });
    assert.deepEqual([...c], [7, 3, 7, 7, 7, 7, 8, 7, 7, 7]);
  });
});
