/**
 * @module engine/tensor/tensor
 * The Tensor: a dense row-major buffer plus a shape. Float32 is the working dtype; float64 exists so gradient
 * checks can run in double precision; bf16 (raw bits in a Uint16Array) is accepted only as frozen weight
 * storage for matmul/linear (the B operand) and embedding lookups.
 *
 * Views: `reshape` shares the buffer; everything else copies. Transposes of the last two dims of a matmul
 * operand are expressed with the GEMM `transA`/`transB` flags instead of copies.
 */
import { SlingError } from '../../core/errors.ts';
import { runBackward, type GradNode } from './autograd.ts';

export type DType = 'float32' | 'float64' | 'bf16';
export type FloatArray = Float32Array | Float64Array;
export type TensorData = Float32Array | Float64Array | Uint16Array;

export function dtypeOf(data: TensorData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  return 'bf16';
}

export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

export function allocate(dtype: 'float32' | 'float64', size: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

export class Tensor {
  readonly data: TensorData;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  /** Leaves with requiresGrad are parameters; non-leaves get it from their inputs (see autograd.ts). */
  requiresGrad: boolean;
  /** Accumulated gradient of a leaf (adds up across backward calls until zeroGrad). */
  grad: Tensor | null = null;
  /** The op that produced this tensor; null for leaves. Released (backward = null) after backward ran. */
  node: GradNode | null = null;
  /** Optional label used in error messages and parameter listings. */
  name?: string;

  constructor(data: TensorData, shape: readonly number[], requiresGrad = false) {
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new SlingError('tensor_shape_mismatch', `data has ${data.length} elements but shape [${shape}] needs ${size}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
    this.size = size;
    if (requiresGrad && this.dtype === 'bf16') {
      throw new SlingError('tensor_bf16_grad', 'bf16 tensors are storage-only and cannot require gradients', {
        hint: 'convert the weight to float32 (toFloat32) before training it',
      });
    }
    this.requiresGrad = requiresGrad;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** The buffer as float32/float64; throws for bf16 storage. */
  get values(): FloatArray {
    if (this.data instanceof Uint16Array) {
      throw new SlingError('tensor_bf16_unsupported', `this op needs a float tensor, got bf16 ${this.label()}`, {
        hint: 'bf16 is accepted only as a matmul/linear weight or embedding table; use toFloat32 otherwise',
      });
    }
    return this.data;
  }

  get floatDtype(): 'float32' | 'float64' {
    return this.dtype === 'float64' ? 'float64' : 'float32';
  }

  get isLeaf(): boolean {
    return this.node === null;
  }

  item(): number {
    if (this.size !== 1) throw new SlingError('tensor_not_scalar', `item() needs one element, ${this.label()} has ${this.size}`);
    return this.values[0];
  }

  toArray(): number[] {
    return Array.from(this.values);
  }

  /** Reverse-mode autodiff from this tensor; `grad` defaults to 1 for a scalar. */
  backward(grad?: Tensor): void {
    runBackward(this, grad?.values);
  }

  zeroGrad(): void {
    this.grad = null;
  }

  /** Same buffer, no history. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /**
   * Called by the autograd engine for leaves: gradients add up until zeroGrad. `owned` means nobody else
   * holds `gradient`, so it can become .grad without a copy.
   */
  accumulateGrad(gradient: FloatArray, owned = false): void {
    if (gradient.length !== this.size) {
      throw new SlingError('tensor_grad_shape', `gradient of ${gradient.length} elements for ${this.label()}`);
    }
    if (this.grad === null) {
      this.grad = new Tensor(owned ? gradient : gradient.slice(), this.shape);
      return;
    }
    const target = this.grad.values;
    for (let i = 0; i < target.length; i++) target[i] += gradient[i];
  }

  label(): string {
    return `${this.name ?? 'tensor'}[${this.shape.join(', ')}]`;
  }
}
