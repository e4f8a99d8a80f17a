/**
 * @module engine/models/io/rope-layout
 * Reorders q/k projection rows between the two RoPE conventions. Within each head of `headDim` rows,
 * 'half' (HF rotate-half) pairs row i with row i + headDim/2, 'interleaved' (llama2.c, GGUF-llama) pairs
 * rows 2i and 2i+1. llama.cpp's converter (LlamaModel.permute) maps half → interleaved:
 * new row 2i + j = old row j * headDim/2 + i, for j in {0, 1}.
 */
import type { RawTensor } from './raw-tensor.ts';

/** Rows of `tensor` (shape [rows, ...] or a bias [rows]) grouped in heads of headDim rows. */
export function permuteRopeRows(tensor: RawTensor, headDim: number, direction: 'half-to-interleaved' | 'interleaved-to-half'): RawTensor {
  const rows = tensor.shape[0];
  const rowLength = tensor.data.length / rows;
  const half = headDim / 2;
  const out = new (tensor.data.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(tensor.data.length);
  for (let head = 0; head < rows / headDim; head++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const interleavedRow = head * headDim + 2 * i + j;
        const halfRow = head * headDim + j * half + i;
        const [from, to] = direction === 'half-to-interleaved' ? [halfRow, interleavedRow] : [interleavedRow, halfRow];
        out.set(tensor.data.subarray(from * rowLength, (from + 1) * rowLength), to * rowLength);
      }
    }
  }
  return { dtype: tensor.dtype, shape: [...tensor.shape], data: out };
}
