/**
 * @module engine/tensor/autograd
 * Reverse-mode automatic differentiation. Each op that has an input requiring a gradient records a GradNode
 * whose backward closure holds what it saved from the forward pass; `runBackward` visits nodes in reverse
 * topological order and releases each node (closure and inputs) right after it ran, so saved activations
 * are freed as early as possible. Gradients of leaves add up across calls (micro-batch accumulation).
 */
import { SlingError } from '../../core/errors.ts';
import type { FloatArray, Tensor } from './tensor.ts';

/**
 * Returns one gradient per input (null when that input needs none). Each entry is either `gradOutput` itself
 * or a freshly allocated buffer, which the engine then owns (it becomes a leaf's .grad without a copy).
 */
export type BackwardFunction = (gradOutput: FloatArray) => (FloatArray | null)[];

export interface GradNode {
  readonly name: string;
  inputs: Tensor[];
  backward: BackwardFunction | null;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording history (inference, optimizer steps). Synchronous functions only. */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** True when an op on these inputs must record history. Ops use it to skip saving tensors. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!gradEnabled) return false;
  for (const input of inputs) if (input?.requiresGrad) return true;
  return false;
}

/** Attaches history to `output` if any input requires a gradient. `makeBackward` is only called then. */
export function record(output: Tensor, name: string, inputs: Tensor[], makeBackward: () => BackwardFunction): Tensor {
  if (!needsGrad(...inputs)) return output;
  output.requiresGrad = true;
  output.node = { name, inputs, backward: makeBackward() };
  return output;
}

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top[0].node?.inputs ?? [];
    if (top[1] < inputs.length) {
      const next = inputs[top[1]++];
      if (next.node !== null && !visited.has(next)) {
        visited.add(next);
        stack.push([next, 0]);
      }
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  return order;
}

interface PendingGrad {
  data: FloatArray;
  /** False while the buffer may be shared with another node's gradient; copied before adding into it. */
  owned: boolean;
}

export function runBackward(root: Tensor, gradient?: FloatArray): void {
  if (!root.requiresGrad) {
    throw new SlingError('autograd_no_grad', `backward() on ${root.label()} which does not require a gradient`, {
      hint: 'make sure a parameter has requiresGrad = true and the forward pass was not inside noGrad()',
    });
  }
  let seed = gradient;
  if (seed === undefined) {
    if (root.size !== 1) throw new SlingError('autograd_non_scalar', `backward() without a gradient on ${root.label()}`);
    seed = root.dtype === 'float64' ? new Float64Array([1]) : new Float32Array([1]);
  } else if (seed.length !== root.size || (seed instanceof Float64Array) !== (root.dtype === 'float64')) {
    throw new SlingError('autograd_seed', `backward() gradient does not match ${root.label()} (${root.dtype})`);
  }
  if (root.node === null) {
    root.accumulateGrad(seed);
    return;
  }
  const pending = new Map<Tensor, PendingGrad>([[root, { data: seed, owned: false }]]);
  const order = topologicalOrder(root);
  for (let i = order.length - 1; i >= 0; i--) {
    const tensor = order[i];
    // Drop our reference so the activation can be collected as soon as nothing else holds it.
    order[i] = undefined as unknown as Tensor;
    const node = tensor.node!;
    const grad = pending.get(tensor);
    pending.delete(tensor);
    if (node.backward === null) {
      throw new SlingError('autograd_released', `the graph through ${node.name} was already used by a backward pass`, {
        hint: 'run the forward pass again before calling backward() a second time',
      });
    }
    if (grad !== undefined) {
      const inputGrads = node.backward(grad.data);
      for (let j = 0; j < node.inputs.length; j++) {
        const input = node.inputs[j];
        const inputGrad = inputGrads[j];
        if (inputGrad === null || inputGrad === undefined || !input.requiresGrad) continue;
        const owned = (inputGrad !== grad.data || grad.owned) && inputGrads.indexOf(inputGrad) === j && inputGrads.lastIndexOf(inputGrad) === j;
        if (input.node === null) input.accumulateGrad(inputGrad, owned);
        else accumulatePending(pending, input, inputGrad, owned);
      }
    }
    node.backward = null;
    node.inputs = [];
  }
}

function accumulatePending(pending: Map<Tensor, PendingGrad>, tensor: Tensor, gradient: FloatArray, owned: boolean): void {
  const existing = pending.get(tensor);
  if (existing === undefined) {
    pending.set(tensor, { data: gradient, owned });
    return;
  }
  if (!existing.owned) {
    existing.data = existing.data.slice();
    existing.owned = true;
  }
  const target = existing.data;
  for (let i = 0; i < target.length; i++) target[i] += gradient[i];
}
