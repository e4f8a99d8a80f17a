/**
 * @module engine/tensor/ops/elementwise
 * add / sub / mul / div with broadcasting (either operand may also be a plain number), and scalar ops.
 * Backward reduces each gradient back to its operand's shape (the adjoint of broadcasting).
 */
import { SlingError } from '../../../core/errors.ts';
import { nativeRows } from '../../backend/native-rows.ts';
import { record } from '../autograd.ts';
import { allocate, Tensor, type FloatArray } from '../tensor.ts';
import { ADD, binaryBroadcast, broadcastShape, DIV, MUL, SUB, sumToShape, type BinaryOpCode } from './broadcast.ts';

export function checkSameDtype(a: Tensor, b: Tensor, op: string): void {
  if (a.floatDtype !== b.floatDtype || a.dtype === 'bf16' || b.dtype === 'bf16') {
    throw new SlingError('tensor_dtype_mismatch', `${op}: ${a.label()} is ${a.dtype} but ${b.label()} is ${b.dtype}`);
  }
}

function binary(op: BinaryOpCode, name: string, a: Tensor, b: Tensor): Tensor {
  checkSameDtype(a, b, name);
  const outShape = broadcastShape(a.shape, b.shape);
  const av = a.values;
  const bv = b.values;
  const values = (op === ADD ? nativeAdd(av, a.shape, bv, b.shape) : null) ?? binaryBroadcast(op, av, a.shape, bv, b.shape, outShape);
  const out = new Tensor(values, outShape);
  return record(out, name, [a, b], () => (grad) => {
    let gradA: FloatArray | null = null;
    let gradB: FloatArray | null = null;
    if (op === ADD || op === SUB) {
      if (a.requiresGrad) gradA = sumToShape(grad, outShape, a.shape);
      if (b.requiresGrad) {
        gradB = sumToShape(grad, outShape, b.shape);
        if (op === SUB) gradB = negated(gradB);
      }
    } else if (op === MUL) {
      if (a.requiresGrad) gradA = sumToShape(binaryBroadcast(MUL, grad, outShape, bv, b.shape, outShape), outShape, a.shape);
      if (b.requiresGrad) gradB = sumToShape(binaryBroadcast(MUL, grad, outShape, av, a.shape, outShape), outShape, b.shape);
    } else {
      const gradOverB = binaryBroadcast(DIV, grad, outShape, bv, b.shape, outShape);
      if (a.requiresGrad) gradA = sumToShape(gradOverB, outShape, a.shape);
      if (b.requiresGrad) {
        // d(a/b)/db = -(a/b)/b, so grad_b = -sum(grad/b · out)
        const outValues = out.values;
        const product = allocate(a.floatDtype, gradOverB.length);
        for (let i = 0; i < product.length; i++) product[i] = -gradOverB[i] * outValues[i];
        gradB = sumToShape(product, outShape, b.shape);
      }
    }
    return [gradA, gradB];
  });
}

/**
 * Same-shape float32 add on the addon (both cores, 16 lanes): the residual stream and LoRA's base + update add
 * [B·T, C]-sized tensors nine times per layer, and this is ~3× faster than the generic broadcast loop (median
 * 0.7 vs 2.2 ms for [1024, 512] on the shared 2-core machine).
 */
function nativeAdd(a: FloatArray, aShape: readonly number[], b: FloatArray, bShape: readonly number[]): Float32Array | null {
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array) || a.length !== b.length) return null;
  if (aShape.length !== bShape.length || aShape.some((extent, axis) => extent !== bShape[axis])) return null;
  const native = nativeRows();
  if (!native) return null;
  const out = new Float32Array(a.length);
  native.add(a, b, out);
  return out;
}

function negated(values: FloatArray): FloatArray {
  const out = allocate(values instanceof Float64Array ? 'float64' : 'float32', values.length);
  for (let i = 0; i < values.length; i++) out[i] = -values[i];
  return out;
}

/** y = x·scale + shift, the one scalar kernel behind the scalar forms of add/sub/mul/div. */
export function affine(x: Tensor, scale: number, shift: number): Tensor {
  const xv = x.values;
  const out = allocate(x.floatDtype, xv.length);
  for (let i = 0; i < xv.length; i++) out[i] = xv[i] * scale + shift;
  return record(new Tensor(out, x.shape), 'affine', [x], () => (grad) => {
    if (scale === 1) return [grad];
    const gradX = allocate(x.floatDtype, grad.length);
    for (let i = 0; i < grad.length; i++) gradX[i] = grad[i] * scale;
    return [gradX];
  });
}

export function add(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? affine(a, 1, b) : binary(ADD, 'add', a, b);
}

export function sub(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? affine(a, 1, -b) : binary(SUB, 'sub', a, b);
}

export function mul(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? affine(a, b, 0) : binary(MUL, 'mul', a, b);
}

export function div(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? affine(a, 1 / b, 0) : binary(DIV, 'div', a, b);
}

export function neg(x: Tensor): Tensor {
  return affine(x, -1, 0);
}
