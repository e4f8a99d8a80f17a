/**
 * @module engine/train/adapter/rope-permute
 * Row permutation of q/k projection outputs between the two RoPE layouts. Hugging Face llama checkpoints
 * rotate the two halves of each head ('half'); llama.cpp's llama architecture and llama2.c rotate adjacent
 * pairs ('interleaved'). llama.cpp's converter turns HF weights into its layout with, per head,
 * reshape(heads, 2, headDim/2, ...).swapaxes(1, 2): output row h·d + 2j + i takes input row h·d + i·d/2 + j.
 * For a LoRA pair only B's rows move (ΔW = B·A, rows of ΔW are rows of B).
 */

/** 'half' (HF) row order → 'interleaved' (GGUF llama) row order; `rows` is row-major [heads·headDim, columns]. */
export function permuteHalfToInterleaved(rows: Float32Array, heads: number, columns: number): Float32Array {
  return permuteRows(rows, heads, columns, false);
}

/** The inverse: 'interleaved' → 'half'. */
export function permuteInterleavedToHalf(rows: Float32Array, heads: number, columns: number): Float32Array {
  return permuteRows(rows, heads, columns, true);
}

function permuteRows(rows: Float32Array, heads: number, columns: number, inverse: boolean): Float32Array {
  const totalRows = rows.length / columns;
  const headDim = totalRows / heads;
  if (!Number.isInteger(totalRows) || !Number.isInteger(headDim) || headDim % 2 !== 0) {
    throw new Error(`cannot permute ${rows.length} values as ${heads} heads × even head size × ${columns} columns`);
  }
  const half = headDim / 2;
  const out = new Float32Array(rows.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < half; j++) {
        const halfRow = h * headDim + i * half + j;
        const interleavedRow = h * headDim + 2 * j + i;
        const [to, from] = inverse ? [halfRow, interleavedRow] : [interleavedRow, halfRow];
        out.set(rows.subarray(from * columns, (from + 1) * columns), to * columns);
      }
    }
  }
  return out;
}
