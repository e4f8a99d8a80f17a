import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../random.ts';
import { rope } from './rope.ts';
import { ropeFrequencies, ropeScalingFromConfig, ropeTable } from './rope-frequencies.ts';
import { assertClose, assertGradients, randomParameter } from '../test-helpers.ts';
import { Tensor } from '../tensor.ts';

test('rope backward matches finite differences in both conventions, with positions, offset and partial rotary', () => {
  const random = new Random(18);
  const table = ropeTable(ropeFrequencies(6, 10000), 16);
  const partial = ropeTable(ropeFrequencies(4, 10000), 16);
  const x = randomParameter(random, [2, 3, 2, 6]);
  for (const convention of ['half', 'interleaved'] as const) {
    assertGradients((t) => rope(t, table, { convention }), [x]);
    assertGradients((t) => rope(t, table, { convention, offset: 5 }), [x]);
    assertGradients((t) => rope(t, table, { convention, positions: new Int32Array([3, 1, 4, 1, 5, 9]) }), [x]);
    assertGradients((t) => rope(t, partial, { convention }), [x]);
  }
});

test('the two conventions are related by a permutation of the head dim', () => {
  const random = new Random(19);
  const dim = 8;
  const half = dim / 2;
  const table = ropeTable(ropeFrequencies(dim, 500000), 32);
  const x = randomParameter(random, [2, 5, 3, dim]).detach();
  // interleaved index 2i holds half-convention index i, 2i+1 holds i + d/2
  const permuted = new Float64Array(x.size);
  for (let row = 0; row < x.size / dim; row++) {
    for (let i = 0; i < half; i++) {
      permuted[row * dim + 2 * i] = x.values[row * dim + i];
      permuted[row * dim + 2 * i + 1] = x.values[row * dim + i + half];
    }
  }
  const viaHalf = rope(x, table, { convention: 'half', offset: 7 }).values;
  const viaInterleaved = rope(new Tensor(permuted, x.shape), table, { convention: 'interleaved', offset: 7 }).values;
  for (let row = 0; row < x.size / dim; row++) {
    for (let i = 0; i < half; i++) {
      assert.ok(Math.abs(viaInterleaved[row * dim + 2 * i] - viaHalf[row * dim + i]) < 1e-12);
      assert.ok(Math.abs(viaInterleaved[row * dim + 2 * i + 1] - viaHalf[row * dim + i + half]) < 1e-12);
    }
  }
});

test('rope rotates pair i by position·θ^(−2i/d) and is the identity at position 0', () => {
  const table = ropeTable(ropeFrequencies(4, 100), 8);
  const x = new Tensor(new Float64Array([1, 0, 0, 0, 1, 0, 0, 0]), [1, 2, 1, 4]);
  const y = rope(x, table, { convention: 'interleaved', offset: 2 }).values;
  // position 2, pair 0 frequency 1 → angle 2; position 3 → angle 3
  assertClose([y[0], y[1]], [Math.cos(2), Math.sin(2)], 1e-6);
  assertClose([y[4], y[5]], [Math.cos(3), Math.sin(3)], 1e-6);
  const identity = rope(x, table, { convention: 'half', positions: new Int32Array([0, 0]) }).values;
  assertClose(identity, x.values, 0);
  assert.throws(() => rope(x, table, { convention: 'half', offset: 7 }), /outside the rope table/);
});

test('llama3 and linear rope scaling adjust frequencies as Hugging Face defines them', () => {
  const scaling = ropeScalingFromConfig({ rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 });
  assert.ok(scaling);
  const plain = ropeFrequencies(128, 500000);
  const scaled = ropeFrequencies(128, 500000, scaling);
  let unchanged = 0;
  let divided = 0;
  let blended = 0;
  for (let i = 0; i < plain.length; i++) {
    const wavelength = (2 * Math.PI) / plain[i];
    if (wavelength < 8192 / 4) {
      assert.equal(scaled[i], plain[i]);
      unchanged++;
    } else if (wavelength > 8192) {
      assert.ok(Math.abs(scaled[i] - plain[i] / 8) < 1e-6 * plain[i]);
      divided++;
    } else {
      const smooth = (8192 / wavelength - 1) / (4 - 1);
      assert.ok(Math.abs(scaled[i] - ((1 - smooth) * plain[i] / 8 + smooth * plain[i])) < 1e-6 * plain[i]);
      assert.ok(scaled[i] < plain[i] && scaled[i] > plain[i] / 8);
      blended++;
    }
  }
  assert.ok(unchanged > 0 && divided > 0 && blended > 0, `${unchanged} ${divided} ${blended}`);
  const linear = ropeFrequencies(8, 10000, { type: 'linear', factor: 4 });
  assertClose(linear, ropeFrequencies(8, 10000).map((f) => f / 4), 1e-7);
  assert.equal(ropeScalingFromConfig(null), undefined);
  assert.throws(() => ropeScalingFromConfig({ type: 'yarn', factor: 2 }), /not supported/);
});
