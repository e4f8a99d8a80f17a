/**
 * @module engine/backend/wasm-part
 * The piece of a wasm GEMM that one thread runs, as plain JavaScript source: the worker threads evaluate it
 * (they run without the TypeScript loader) and the main thread builds the very same function from it, so
 * both sides split work identically. A job is a Float64Array descriptor in shared memory:
 *   [kind, m, n, k, aPointer, aRowStride, aColStride, bPointer, bRowStride, bColStride, cPointer, beta,
 *    batch, strideA, strideB, strideC, parts, mode]
 * (pointers in bytes, strides in elements); mode 0 deals out whole batch items, 1 splits C's columns and 2
 * its rows at tile boundaries (every part walks all batch items in order, so C shared between items is fine).
 */
export const DESCRIPTOR_LENGTH = 18;

export const runPartSource = `
function runPart(kernels, job, part, workspaceA, workspaceB) {
  const kind = job[0], m = job[1], n = job[2], k = job[3];
  const parts = job[16], mode = job[17], batch = job[12];
  const run = kind === 1 ? kernels.gemm_bf16 : kernels.gemm_f32;
  const bBytes = kind === 1 ? 2 : 4;
  let firstItem = 0, lastItem = batch, i0 = 0, i1 = m, j0 = 0, j1 = n;
  if (mode === 0) {
    firstItem = Math.floor((batch * part) / parts);
    lastItem = Math.floor((batch * (part + 1)) / parts);
  } else {
    const unit = mode === 1 ? kernels.tile_n() : kernels.tile_m();
    const extent = mode === 1 ? n : m;
    const tiles = Math.ceil(extent / unit);
    const from = Math.floor((tiles * part) / parts) * unit;
    const to = part === parts - 1 ? extent : Math.floor((tiles * (part + 1)) / parts) * unit;
    if (mode === 1) { j0 = from; j1 = to; } else { i0 = from; i1 = to; }
  }
  for (let item = firstItem; item < lastItem; item++) {
    run(m, n, k, job[4] + item * job[13] * 4, job[5], job[6], job[7] + item * job[14] * bBytes, job[8], job[9],
      job[10] + item * job[15] * 4, job[11], i0, i1, j0, j1, workspaceA, workspaceB);
  }
}`;

export type RunPart = (
  kernels: WebAssembly.Exports,
  job: Float64Array,
  part: number,
  workspaceA: number,
  workspaceB: number,
) => void;

export const runPart = new Function(`${runPartSource}\nreturn runPart;`)() as RunPart;
