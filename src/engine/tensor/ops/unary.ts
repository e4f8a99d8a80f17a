/**
 * @module engine/tensor/ops/unary
 * Pointwise functions with their derivatives: exp, log, sqrt, square, tanh, sigmoid, silu, gelu (exact erf form
 * and the tanh approximation), relu, and the fused SwiGLU product silu(a)·b used by Llama MLPs.
 * One kernel per function, selected once per call (no per-element closures).
 */
import { expOf } from '../../backend/fast-exp.ts';
import { nativeRows } from '../../backend/native-rows.ts';
import { needsGrad, record } from '../autograd.ts';
import { allocate, Tensor, type FloatArray } from '../tensor.ts';
import { checkSameDtype } from './elementwise.ts';
import { sameShape } from './broadcast.ts';
import { SlingError } from '../../../core/errors.ts';

type UnaryName = 'exp' | 'log' | 'sqrt' | 'square' | 'tanh' | 'sigmoid' | 'silu' | 'gelu' | 'geluTanh' | 'relu';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2 = 1 / Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erf via Abramowitz & Stegun 7.1.26 refined; absolute error below 1.5e-7, enough for float32 GELU. */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
  return sign * y;
}

function forwardKernel(name: UnaryName, x: FloatArray, out: FloatArray): void {
  const n = x.length;
  const precise = x instanceof Float64Array;
  switch (name) {
    case 'exp': for (let i = 0; i < n; i++) out[i] = expOf(x[i], precise); break;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(x[i]); break;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]); break;
    case 'square': for (let i = 0; i < n; i++) out[i] = x[i] * x[i]; break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]); break;
    case 'sigmoid': for (let i = 0; i < n; i++) out[i] = 1 / (1 + expOf(-x[i], precise)); break;
    case 'silu': for (let i = 0; i < n; i++) out[i] = x[i] / (1 + expOf(-x[i], precise)); break;
    case 'gelu': for (let i = 0; i < n; i++) out[i] = 0.5 * x[i] * (1 + erf(x[i] * INV_SQRT_2)); break;
    case 'geluTanh':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
      }
      break;
    case 'relu': for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0; break;
  }
}

/** gradX = grad · f'(x); `y` = f(x) is used where it is cheaper. */
function backwardKernel(name: UnaryName, x: FloatArray, y: FloatArray, grad: FloatArray, out: FloatArray): void {
  const n = x.length;
  const precise = x instanceof Float64Array;
  switch (name) {
    case 'exp': for (let i = 0; i < n; i++) out[i] = grad[i] * y[i]; break;
    case 'log': for (let i = 0; i < n; i++) out[i] = grad[i] / x[i]; break;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = (0.5 * grad[i]) / y[i]; break;
    case 'square': for (let i = 0; i < n; i++) out[i] = 2 * grad[i] * x[i]; break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = grad[i] * (1 - y[i] * y[i]); break;
    case 'sigmoid': for (let i = 0; i < n; i++) out[i] = grad[i] * y[i] * (1 - y[i]); break;
    case 'silu':
      for (let i = 0; i < n; i++) {
        const s = 1 / (1 + expOf(-x[i], precise));
        out[i] = grad[i] * s * (1 + x[i] * (1 - s));
      }
      break;
    case 'gelu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = grad[i] * (0.5 * (1 + erf(v * INV_SQRT_2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
      }
      break;
    case 'geluTanh':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
        const dInner = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
        out[i] = grad[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dInner);
      }
      break;
    case 'relu': for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? grad[i] : 0; break;
  }
}

function unary(name: UnaryName, x: Tensor): Tensor {
  const xv = x.values;
  const yv = allocate(x.floatDtype, xv.length);
  forwardKernel(name, xv, yv);
  return record(new Tensor(yv, x.shape), name, [x], () => (grad) => {
    const gradX = allocate(x.floatDtype, grad.length);
    backwardKernel(name, xv, yv, grad, gradX);
    return [gradX];
  });
}

export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
export const silu = (x: Tensor): Tensor => unary('silu', x);
export const relu = (x: Tensor): Tensor => unary('relu', x);
/** GELU; `approximate: 'tanh'` is gelu_pytorch_tanh (Gemma, GPT-2), 'none' the exact erf form. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  return unary(approximate === 'tanh' ? 'geluTanh' : 'gelu', x);
}

/**
 * Fused SwiGLU: silu(gate) · up, same shapes. Saves one intermediate versus composing silu and mul, and keeps
 * sigmoid(gate) from the forward pass (when a gradient is needed) so backward does not call exp again.
 */
export function swiglu(gate: Tensor, up: Tensor): Tensor {
  checkSameDtype(gate, up, 'swiglu');
  if (!sameShape(gate.shape, up.shape)) {
    throw new SlingError('tensor_shape_mismatch', `swiglu: ${gate.label()} and ${up.label()} differ`);
  }
  const g = gate.values;
  const u = up.values;
  const n = g.length;
  const out = allocate(gate.floatDtype, n);
  const sigmoids = needsGrad(gate, up) ? allocate(gate.floatDtype, n) : null;
  const precise = g instanceof Float64Array;
  const native = precise ? null : nativeRows();
  if (native) native.swigluForward(g as Float32Array, u as Float32Array, out as Float32Array, sigmoids as Float32Array | null);
  else if (sigmoids) {
    for (let i = 0; i < n; i++) {
      const s = 1 / (1 + expOf(-g[i], precise));
      sigmoids[i] = s;
      out[i] = g[i] * s * u[i];
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = (g[i] / (1 + expOf(-g[i], precise))) * u[i];
  }
  return record(new Tensor(out, gate.shape), 'swiglu', [gate, up], () => (grad) => {
    const s = sigmoids!;
    const gradGate = gate.requiresGrad ? allocate(gate.floatDtype, n) : null;
    const gradUp = up.requiresGrad ? allocate(gate.floatDtype, n) : null;
    if (native) {
      native.swigluBackward(grad as Float32Array, g as Float32Array, u as Float32Array, s as Float32Array, gradGate as Float32Array | null, gradUp as Float32Array | null);
    } else if (gradGate && gradUp) {
      for (let i = 0; i < n; i++) {
        const gs = grad[i] * s[i];
        gradUp[i] = gs * g[i];
        gradGate[i] = gs * u[i] * (1 + g[i] * (1 - s[i]));
      }
    } else if (gradUp) {
      for (let i = 0; i < n; i++) gradUp[i] = grad[i] * s[i] * g[i];
    } else if (gradGate) {
      for (let i = 0; i < n; i++) gradGate[i] = grad[i] * s[i] * u[i] * (1 + g[i] * (1 - s[i]));
    }
    return [gradGate, gradUp];
  });
}
