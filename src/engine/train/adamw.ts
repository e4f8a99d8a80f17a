/**
 * @module engine/train/adamw
 * AdamW (Loshchilov & Hutter 2019) over plain Float32Array parameters, with PyTorch's `torch.optim.AdamW`
 * update written out so runs can be compared step for step:
 *
 *   θ ← θ · (1 − lr·λ)                       decoupled weight decay, applied before the moment update
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 *
 * Moments are float32 like PyTorch's; the per-element arithmetic runs in float64 and is rounded once on store.
 * On the native backend the addon runs the same float64 arithmetic in the same order over both cores
 * (native/src/row-kernels-impl.h), so the result is bit for bit the loop below.
 */
import { nativeRows } from '../backend/native-rows.ts';

export interface OptimizedParameter {
  /** Stable name used in checkpoints, e.g. "model.layers.0.self_attn.q_proj.lora_A.weight". */
  name: string;
  value: Float32Array;
  grad: Float32Array;
  /** Whether weight decay applies (PyTorch recipes usually exempt norms and biases). */
  decay: boolean;
}

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
}

export interface AdamWState {
  step: number;
  firstMoments: Record<string, Float32Array>;
  secondMoments: Record<string, Float32Array>;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  /** Number of updates applied so far (t in the formulas). */
  stepCount = 0;
  private readonly firstMoments: Float32Array[];
  private readonly secondMoments: Float32Array[];

  constructor(readonly parameters: OptimizedParameter[], options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.firstMoments = parameters.map((parameter) => new Float32Array(parameter.value.length));
    this.secondMoments = parameters.map((parameter) => new Float32Array(parameter.value.length));
  }

  /** Applies one update with learning rate `learningRate` using the gradients currently in `grad`. */
  step(learningRate: number): void {
    this.stepCount += 1;
    const { beta1, beta2, epsilon } = this;
    const correction1 = 1 - beta1 ** this.stepCount;
    const correction2Root = Math.sqrt(1 - beta2 ** this.stepCount);
    const stepSize = learningRate / correction1;
    const native = nativeRows();
    const constants = native ? Float64Array.of(beta1, beta2, epsilon, 1, stepSize, correction2Root) : null;
    for (let p = 0; p < this.parameters.length; p++) {
      const { value, grad, decay } = this.parameters[p];
      const m = this.firstMoments[p];
      const v = this.secondMoments[p];
      const shrink = decay ? 1 - learningRate * this.weightDecay : 1;
      if (native) {
        constants![3] = shrink;
        native.adamw(value, grad, m, v, constants!);
        continue;
      }
      for (let i = 0; i < value.length; i++) {
        const g = grad[i];
        const mi = (m[i] = beta1 * m[i] + (1 - beta1) * g);
        const vi = (v[i] = beta2 * v[i] + (1 - beta2) * g * g);
        value[i] = value[i] * shrink - (stepSize * mi) / (Math.sqrt(vi) / correction2Root + epsilon);
      }
    }
  }

  zeroGrad(): void {
    for (const parameter of this.parameters) parameter.grad.fill(0);
  }

  /** Copies of the moments keyed by parameter name, for checkpoints. */
  state(): AdamWState {
    const firstMoments: Record<string, Float32Array> = {};
    const secondMoments: Record<string, Float32Array> = {};
    this.parameters.forEach((parameter, index) => {
      firstMoments[parameter.name] = this.firstMoments[index].slice();
      secondMoments[parameter.name] = this.secondMoments[index].slice();
    });
    return { step: this.stepCount, firstMoments, secondMoments };
  }

  loadState(state: AdamWState): void {
    this.stepCount = state.step;
    this.parameters.forEach((parameter, index) => {
      const first = state.firstMoments[parameter.name];
      const second = state.secondMoments[parameter.name];
      if (!first || !second || first.length !== parameter.value.length || second.length !== parameter.value.length) {
        throw new Error(`optimizer state has no moments of the right size for ${parameter.name}`);
      }
      this.firstMoments[index].set(first);
      this.secondMoments[index].set(second);
    });
  }
}
