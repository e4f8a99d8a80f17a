/**
 * @module engine/tensor/ops/embedding
 * Row gather from an embedding table (float or bf16 storage). Backward scatter-adds into the table's gradient,
 * computed only when the table requires one.
 */
import { SlingError } from '../../../core/errors.ts';
import { record } from '../autograd.ts';
import { allocate, Tensor } from '../tensor.ts';

/** weight: [V, D]; ids: token ids shaped `shape` (default [ids.length]). Output [...shape, D]. */
export function embedding(weight: Tensor, ids: Int32Array, shape: readonly number[] = [ids.length]): Tensor {
  const [vocab, dim] = weight.shape;
  if (weight.ndim !== 2) throw new SlingError('tensor_embedding', `embedding table ${weight.label()} must be [V, D]`);
  const out = allocate(weight.floatDtype, ids.length * dim);
  const data = weight.data;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id < 0 || id >= vocab) {
      throw new SlingError('tensor_embedding', `token id ${id} at position ${i} is outside the vocabulary [0, ${vocab})`);
    }
    if (data instanceof Uint16Array) {
      const outBits = new Uint32Array(out.buffer, out.byteOffset + i * dim * 4, dim);
      for (let j = 0; j < dim; j++) outBits[j] = data[id * dim + j] << 16;
    } else out.set(data.subarray(id * dim, (id + 1) * dim), i * dim);
  }
  return record(new Tensor(out, [...shape, dim]), 'embedding', [weight], () => (grad) => {
    const gradW = allocate(weight.floatDtype, weight.size);
    for (let i = 0; i < ids.length; i++) {
      const base = ids[i] * dim;
      for (let j = 0; j < dim; j++) gradW[base + j] += grad[i * dim + j];
    }
    return [gradW];
  });
}
