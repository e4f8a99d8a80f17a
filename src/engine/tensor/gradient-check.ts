/**
 * @module engine/tensor/gradient-check
 * Test helper: compares autograd gradients with central finite differences in float64. The output is
 * contracted with a fixed random tensor R (loss = Σ out·R, seeded through backward(R)), so every output
 * element's gradient path is exercised, not just their sum.
 */
import { SlingError } from '../../core/errors.ts';
import { noGrad } from './autograd.ts';
import { Random } from './random.ts';
import { Tensor } from './tensor.ts';

export interface GradientCheckOptions {
  /** Finite-difference step. Default 1e-6. */
  step?: number;
  /** Pass when |analytic − numeric| ≤ absolute + relative·|numeric|. Defaults 1e-7 and 1e-5. */
  absolute?: number;
  relative?: number;
  seed?: number;
}

export interface GradientCheckResult {
  ok: boolean;
  maxError: number;
  /** First failing element, for the assertion message. */
  failure?: string;
}

export function gradientCheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradientCheckOptions = {},
): GradientCheckResult {
  const step = options.step ?? 1e-6;
  const absolute = options.absolute ?? 1e-7;
  const relative = options.relative ?? 1e-5;
  for (const input of inputs) {
    if (input.dtype !== 'float64') throw new SlingError('gradient_check_dtype', `gradientCheck needs float64 inputs, got ${input.label()}`);
    input.zeroGrad();
  }
  const output = fn(...inputs);
  const weights = new Random(options.seed ?? 7).fillNormal(new Float64Array(output.size));
  output.backward(new Tensor(weights, output.shape));
  const contracted = (): number => {
    const values = noGrad(() => fn(...inputs)).values;
    let total = 0;
    for (let i = 0; i < values.length; i++) total += values[i] * weights[i];
    return total;
  };
  let maxError = 0;
  let failure: string | undefined;
  inputs.forEach((input, which) => {
    if (!input.requiresGrad) return;
    const data = input.values;
    const analytic = input.grad?.values ?? new Float64Array(input.size);
    for (let i = 0; i < data.length; i++) {
      const saved = data[i];
      data[i] = saved + step;
      const plus = contracted();
      data[i] = saved - step;
      const minus = contracted();
      data[i] = saved;
      const numeric = (plus - minus) / (2 * step);
      const error = Math.abs(analytic[i] - numeric);
      maxError = Math.max(maxError, error);
      if (failure === undefined && !(error <= absolute + relative * Math.abs(numeric))) {
        failure = `input ${which} ${input.label()} element ${i}: analytic ${analytic[i]} vs numeric ${numeric}`;
      }
    }
  });
  return { ok: failure === undefined, maxError, failure };
}
