/**
 * The native AdamW update (native/src/row-kernels-impl.h) against the TypeScript loop in adamw.ts, which
 * adamw.test.ts checks against PyTorch's algorithm: the same float64 arithmetic in the same order, so the
 * parameters and both moments must agree bit for bit, on one thread, split over the pool, and with the
 * portable table. Skipped when the backend is not native.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeRows, setNativeRows } from '../backend/native-rows.ts';
import { Random } from '../tensor/index.ts';
import { AdamW, type OptimizedParameter } from './adamw.ts';

const native = nativeRows();
const skip = native ? false : 'native row kernels unavailable (backend is not native, or an old addon build)';

/** Five steps on parameters of awkward sizes (1, a prime, 16 + 1, one past the thread threshold). */
function train(random: Random, sizes: number[]): Float32Array[] {
  const parameters: OptimizedParameter[] = sizes.map((size, index) => ({
    name: `p${index}`,
    value: new Float32Array(size).map(() => random.normal()),
    grad: new Float32Array(size),
    decay: index % 2 === 0,
  }));
  const optimizer = new AdamW(parameters, { weightDecay: 0.1 });
  for (let step = 0; step < 5; step++) {
    for (const parameter of parameters) {
      // some exact zeros, some tiny and some large gradients
      parameter.grad.forEach((_, i) => (parameter.grad[i] = i % 7 === 0 ? 0 : random.normal() * 10 ** (random.nextInt(9) - 6)));
    }
    optimizer.step(1e-3 * (step + 1));
  }
  const state = optimizer.state();
  return parameters.flatMap((parameter) => [parameter.value, state.firstMoments[parameter.name], state.secondMoments[parameter.name]]);
}

test('native AdamW equals the TypeScript update bit for bit', { skip }, () => {
  const sizes = [1, 13, 17, 100003];
  const defaults = native!.rowsInfo();
  setNativeRows(false);
  const expected = train(new Random(50), sizes);
  setNativeRows(true);
  try {
    for (const configuration of [{}, { threshold: 0 }, { threshold: Infinity }, { isa: 'portable' as const }]) {
      native!.rowsConfigure(configuration);
      const actual = train(new Random(50), sizes);
      actual.forEach((array, i) => assert.deepEqual(array, expected[i], `${JSON.stringify(configuration)} array ${i}`));
    }
  } finally {
    native!.rowsConfigure({ isa: 'best', threshold: defaults.threshold });
  }
});
