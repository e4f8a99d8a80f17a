/**
 * @module engine/tensor/ops/dropout
 * Inverted dropout with a seeded generator: kept elements are scaled by 1/(1−p) so inference needs no change.
 * The mask is one byte per element and is reused by backward.
 */
import { SlingError } from '../../../core/errors.ts';
import { record } from '../autograd.ts';
import type { Random } from '../random.ts';
import { allocate, Tensor } from '../tensor.ts';

export function dropout(x: Tensor, probability: number, random: Random, training = true): Tensor {
  if (!(probability >= 0 && probability < 1)) throw new SlingError('tensor_dropout', `dropout probability ${probability} must be in [0, 1)`);
  if (!training || probability === 0) return x;
  const xv = x.values;
  const keep = new Uint8Array(x.size);
  const scale = 1 / (1 - probability);
  const out = allocate(x.floatDtype, x.size);
  for (let i = 0; i < xv.length; i++) {
    if (random.nextFloat() >= probability) {
      keep[i] = 1;
      out[i] = xv[i] * scale;
    }
  }
  return record(new Tensor(out, x.shape), 'dropout', [x], () => (grad) => {
    const gradX = allocate(x.floatDtype, x.size);
    for (let i = 0; i < gradX.length; i++) if (keep[i]) gradX[i] = grad[i] * scale;
    return [gradX];
  });
}
