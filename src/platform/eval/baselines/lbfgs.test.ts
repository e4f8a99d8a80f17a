import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimizeLbfgs } from './lbfgs.ts';

test('finds the minimum (1, 1) of the Rosenbrock function', () => {
  const result = minimizeLbfgs(
    (x) => {
      const [a, b] = x;
      return {
        value: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
        gradient: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]),
      };
    },
    Float64Array.from([-1.2, 1]),
    { maxIterations: 500, gradientTolerance: 1e-9 },
  );
  assert.ok(Math.abs(result.x[0] - 1) < 1e-5 && Math.abs(result.x[1] - 1) < 1e-5, `x = ${result.x}`);
});

test('solves a quadratic with known minimizer', () => {
  // f(x) = sum_i (i+1) (x_i - i)^2, minimum at x_i = i.
  const n = 20;
  const result = minimizeLbfgs(
    (x) => {
      let value = 0;
      const gradient = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        value += (i + 1) * (x[i] - i) ** 2;
        gradient[i] = 2 * (i + 1) * (x[i] - i);
      }
      return { value, gradient };
    },
    new Float64Array(n),
  );
  for (let i = 0; i < n; i++) assert.ok(Math.abs(result.x[i] - i) < 1e-5);
  assert.equal(result.converged, true);
});
