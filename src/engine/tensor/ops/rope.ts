/**
 * @module engine/tensor/ops/rope
 * Rotary position embedding applied to [B, T, H, D] (shape legend: B batch, T tokens, H heads, D head dim).
 * Two conventions pair different dims: 'half' (Hugging Face rotate_half) rotates (i, i + d/2); 'interleaved'
 * (llama2.c, GGUF llama) rotates (2i, 2i + 1). Both use frequency i for pair i, so they are related by a
 * permutation of the head dim. If the table is narrower than D, only the first 2·halfDim dims rotate
 * (partial rotary). Backward is the inverse rotation.
 */
import { SlingError } from '../../../core/errors.ts';
import { nativeRows } from '../../backend/native-rows.ts';
import { record } from '../autograd.ts';
import { allocate, Tensor, type FloatArray } from '../tensor.ts';
import type { RopeTable } from './rope-frequencies.ts';

export type RopeConvention = 'half' | 'interleaved';

export interface RopeOptions {
  convention: RopeConvention;
  /** Position of each token: length B·T, or T (shared by all rows). Default offset + t. */
  positions?: Int32Array;
  /** First position when `positions` is absent (KV-cache generation). Default 0. */
  offset?: number;
}

/** The table in float32 for the native kernel (its values are float32-rounded already, so this is exact). */
const float32Tables = new WeakMap<RopeTable, { cos: Float32Array; sin: Float32Array }>();

function float32Table(table: RopeTable): { cos: Float32Array; sin: Float32Array } {
  let copy = float32Tables.get(table);
  if (!copy) float32Tables.set(table, (copy = { cos: Float32Array.from(table.cos), sin: Float32Array.from(table.sin) }));
  return copy;
}

function rotate(
  src: FloatArray, dst: FloatArray, table: RopeTable, positions: Int32Array,
  rows: number, heads: number, dim: number, interleaved: boolean, direction: 1 | -1,
): void {
  const half = table.halfDim;
  const native = src instanceof Float32Array ? nativeRows() : null;
  if (native) {
    const { cos, sin } = float32Table(table);
    native.rope(src as Float32Array, dst as Float32Array, cos, sin, positions, rows, heads, dim, half, interleaved ? 1 : 0, direction);
    return;
  }
  const { cos, sin } = table;
  const pairStride = interleaved ? 1 : half;
  for (let row = 0; row < rows; row++) {
    const at = positions[row] * half;
    for (let h = 0; h < heads; h++) {
      const base = (row * heads + h) * dim;
      if (2 * half < dim) dst.set(src.subarray(base + 2 * half, base + dim), base + 2 * half);
      for (let i = 0; i < half; i++) {
        const first = interleaved ? base + 2 * i : base + i;
        const second = first + pairStride;
        const c = cos[at + i];
        const s = direction * sin[at + i];
        const a = src[first];
        const b = src[second];
        dst[first] = a * c - b * s;
        dst[second] = b * c + a * s;
      }
    }
  }
}

/** x: [B, T, H, D]. */
export function rope(x: Tensor, table: RopeTable, options: RopeOptions): Tensor {
  if (x.ndim !== 4) throw new SlingError('tensor_rope', `rope expects [B, T, H, D], got ${x.label()}`);
  const [batch, tokens, heads, dim] = x.shape;
  if (2 * table.halfDim > dim) throw new SlingError('tensor_rope', `rope table for ${2 * table.halfDim} dims on head dim ${dim}`);
  const positions = options.positions;
  const offset = options.offset ?? 0;
  if (positions && positions.length !== batch * tokens && positions.length !== tokens) {
    throw new SlingError('tensor_rope', `rope: ${positions.length} positions for [B=${batch}, T=${tokens}]`);
  }
  const rows = batch * tokens;
  const rowPositions = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const p = positions ? positions[positions.length === tokens ? row % tokens : row] : offset + (row % tokens);
    rowPositions[row] = p;
    if (p < 0 || p >= table.maxPositions) {
      throw new SlingError('tensor_rope', `position ${p} is outside the rope table (0..${table.maxPositions - 1})`, {
        hint: 'build the table with a larger maxPositions',
      });
    }
  }
  const interleaved = options.convention === 'interleaved';
  const out = allocate(x.floatDtype, x.size);
  rotate(x.values, out, table, rowPositions, rows, heads, dim, interleaved, 1);
  return record(new Tensor(out, x.shape), 'rope', [x], () => (grad) => {
    const gradX = allocate(x.floatDtype, x.size);
    rotate(grad, gradX, table, rowPositions, rows, heads, dim, interleaved, -1);
    return [gradX];
  });
}
