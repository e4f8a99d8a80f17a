/**
 * @module platform/eval/baselines/lbfgs
 * Limited-memory BFGS (Nocedal & Wright, "Numerical Optimization", algorithm 7.4 two-loop recursion) with a
 * backtracking Armijo line search. Deterministic: same start, same result. Used to fit the softmax
 * regression of the TF-IDF baseline, where full-batch gradient descent would need thousands of steps.
 */

export interface Objective {
  (x: Float64Array): { value: number; gradient: Float64Array };
}

export interface LbfgsOptions {
  maxIterations?: number;
  /** Memory: how many past (step, gradient change) pairs approximate the inverse Hessian. */
  history?: number;
  /** Stop when the gradient's max-norm falls below this. */
  gradientTolerance?: number;
  /** Called after every accepted step with the objective's value (a training loss curve). */
  onIteration?: (iteration: number, value: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

export function minimizeLbfgs(objective: Objective, start: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIterations = options.maxIterations ?? 200;
  const history = options.history ?? 10;
  const tolerance = options.gradientTolerance ?? 1e-6;
  let x = Float64Array.from(start);
  let { value, gradient } = objective(x);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) < tolerance) return { x, value, iterations: iteration, converged: true };
    // Two-loop recursion: direction = -H·gradient.
    const direction = Float64Array.from(gradient);
    const alphas = new Array<number>(steps.length);
    for (let k = steps.length - 1; k >= 0; k--) {
      const alpha = (alphas[k] = rhos[k] * dot(steps[k], direction));
      const change = changes[k];
      for (let i = 0; i < direction.length; i++) direction[i] -= alpha * change[i];
    }
    const scale = steps.length > 0 ? dot(steps.at(-1)!, changes.at(-1)!) / dot(changes.at(-1)!, changes.at(-1)!) : 1 / Math.max(1, maxAbs(gradient));
    for (let i = 0; i < direction.length; i++) direction[i] *= scale;
    for (let k = 0; k < steps.length; k++) {
      const weight = alphas[k] - rhos[k] * dot(changes[k], direction);
      const step = steps[k];
      for (let i = 0; i < direction.length; i++) direction[i] += step[i] * weight;
    }
    for (let i = 0; i < direction.length; i++) direction[i] = -direction[i];
    let slope = dot(gradient, direction);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      steps.length = changes.length = rhos.length = 0;
      for (let i = 0; i < direction.length; i++) direction[i] = -gradient[i];
      slope = dot(gradient, direction);
    }
    let stepSize = 1;
    const next = new Float64Array(x.length);
    let evaluated = { value: Infinity, gradient };
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < x.length; i++) next[i] = x[i] + stepSize * direction[i];
      evaluated = objective(next);
      if (evaluated.value <= value + 1e-4 * stepSize * slope) break;
      stepSize /= 2;
    }
    if (evaluated.value > value) return { x, value, iterations: iteration, converged: false };
    const step = new Float64Array(x.length);
    const change = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      step[i] = next[i] - x[i];
      change[i] = evaluated.gradient[i] - gradient[i];
    }
    const curvature = dot(step, change);
    if (curvature > 1e-12) {
      steps.push(step);
      changes.push(change);
      rhos.push(1 / curvature);
      if (steps.length > history) {
        steps.shift();
        changes.shift();
        rhos.shift();
      }
    }
    const improvement = value - evaluated.value;
    x = next;
    value = evaluated.value;
    gradient = evaluated.gradient;
    options.onIteration?.(iteration + 1, value);
    if (improvement < 1e-12 * Math.max(1, Math.abs(value))) return { x, value, iterations: iteration + 1, converged: true };
  }
  return { x, value, iterations: maxIterations, converged: maxAbs(gradient) < tolerance };
}
