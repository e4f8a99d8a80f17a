/**
 * @module engine/tensor/ops/attention
 * Fused scaled-dot-product attention with grouped-query heads, masks (see attention-mask.ts) and a fused
 * backward. Every product is a batched GEMM over (batch, kv head) blocks: the G = Hq/Hkv query heads that share
 * a kv head are stacked into one [G·T, D] operand.
 *
 * Shape legend: B batch, T queries, S keys, Hq query heads, Hkv kv heads, G = Hq/Hkv, D head dim.
 * q: [B, T, Hq, D], k and v: [B, S, Hkv, D] → out [B, T, Hq, D]. Query head h uses kv head ⌊h/G⌋.
 *
 * Memory: blocks are processed in chunks of at most `chunkScores` scores. When everything fits in one chunk
 * (short sequences) P itself is kept for backward. Otherwise only the per-row log-sum-exp is saved and backward
 * recomputes each chunk's P = exp(scale·QKᵀ − lse) (one extra GEMM, as FlashAttention does) instead of keeping
 * B·Hq·T·S floats per layer alive.
 * Backward: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P⊙(dP − rowsum(dP⊙P))·scale, dQ = dS·K, dK = dSᵀ·Q.
 *
 * float32 on the native backend runs the addon's fused kernel instead (native/src/attention.cc: the same
 * algorithm on the [B, T, H, D] layout without head-major copies, in blocks of 56 query rows, always saving only
 * the log-sum-exp); this TypeScript path stays the fallback and the oracle it is tested against.
 */
import { SlingError } from '../../../core/errors.ts';
import { expOf } from '../../backend/fast-exp.ts';
import type { NativeRowFunctions } from '../../backend/native-addon.ts';
import { nativeRows } from '../../backend/native-rows.ts';
import { needsGrad, record } from '../autograd.ts';
import { allocate, Tensor, type FloatArray } from '../tensor.ts';
import { planMask, type AttentionMaskOptions, type MaskPlan } from './attention-mask.ts';
import { checkSameDtype } from './elementwise.ts';
import { gemm } from './gemm.ts';
import { permuteKernel } from './shape.ts';

export interface AttentionOptions extends AttentionMaskOptions {
  /** Score scale; default 1/√D. */
  scale?: number;
  /** Most scores held at once (memory/speed trade-off, and lets tests force several chunks). Default 4M. */
  chunkScores?: number;
}

const SWAP_TOKENS_AND_HEADS = [0, 2, 1, 3];
/** Scores held at once (per scratch buffer): 4M floats = 16 MB in float32. */
const CHUNK_SCORES = 1 << 22;

function headMajor(x: FloatArray, shape: readonly number[]): FloatArray {
  const out = allocate(x instanceof Float64Array ? 'float64' : 'float32', x.length);
  permuteKernel(x, shape, SWAP_TOKENS_AND_HEADS, out);
  return out;
}

interface Geometry {
  B: number; T: number; S: number; Hkv: number; G: number; D: number; GT: number; scale: number; mask: MaskPlan;
}

/** Per-key filters for one query: key s is hidden if keyMask[offset + s] = 0 or segments[offset + s] ≠ segment. */
interface RowMask {
  lo: number;
  hi: number;
  keyMask: Uint8Array | null;
  segments: Int32Array | null;
  offset: number;
  segment: number;
}

function rowMask(geometry: Geometry, block: number, row: number, into: RowMask): RowMask {
  const { T, S, Hkv, mask } = geometry;
  const b = Math.floor(block / Hkv);
  const t = row % T;
  [into.lo, into.hi] = mask.range(b, t);
  into.keyMask = mask.keyMask;
  into.segments = mask.keySegmentIds;
  into.offset = b * S;
  into.segment = mask.segmentIds ? mask.segmentIds[b * T + t] : 0;
  return into;
}

function hidden(m: RowMask, s: number): boolean {
  return (m.keyMask !== null && m.keyMask[m.offset + s] === 0) || (m.segments !== null && m.segments[m.offset + s] !== m.segment);
}

/** In place: row ← softmax(scale·row) over visible keys, 0 elsewhere. Returns the log-sum-exp (−∞ if none visible). */
function softmaxRow(scores: FloatArray, base: number, keys: number, scale: number, m: RowMask): number {
  const { lo, hi } = m;
  const precise = scores instanceof Float64Array;
  if (lo > 0) scores.fill(0, base, base + Math.min(lo, keys));
  if (hi < keys) scores.fill(0, base + Math.max(hi, 0), base + keys);
  const filtered = m.keyMask !== null || m.segments !== null;
  let maximum = -Infinity;
  for (let s = lo; s < hi; s++) {
    const value = filtered && hidden(m, s) ? -Infinity : scores[base + s] * scale;
    scores[base + s] = value;
    if (value > maximum) maximum = value;
  }
  if (maximum === -Infinity) {
    scores.fill(0, base, base + keys);
    return -Infinity;
  }
  let total = 0;
  for (let s = lo; s < hi; s++) {
    const e = expOf(scores[base + s] - maximum, precise);
    scores[base + s] = e;
    total += e;
  }
  const inverse = 1 / total;
  for (let s = lo; s < hi; s++) scores[base + s] *= inverse;
  return maximum + Math.log(total);
}

/** In place: row ← exp(scale·row − lse) over visible keys, 0 elsewhere (the forward probabilities again). */
function recomputeRow(scores: FloatArray, base: number, keys: number, scale: number, m: RowMask, logSumExp: number): void {
  const precise = scores instanceof Float64Array;
  if (logSumExp === -Infinity) {
    scores.fill(0, base, base + keys);
    return;
  }
  const { lo, hi } = m;
  if (lo > 0) scores.fill(0, base, base + Math.min(lo, keys));
  if (hi < keys) scores.fill(0, base + Math.max(hi, 0), base + keys);
  const filtered = m.keyMask !== null || m.segments !== null;
  for (let s = lo; s < hi; s++) {
    scores[base + s] = filtered && hidden(m, s) ? 0 : expOf(scores[base + s] * scale - logSumExp, precise);
  }
}

export function attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  if (q.ndim !== 4 || k.ndim !== 4 || v.ndim !== 4) {
    throw new SlingError('tensor_attention_shape', `attention expects 4-D q, k, v; got ${q.label()}, ${k.label()}, ${v.label()}`);
  }
  checkSameDtype(q, k, 'attention');
  checkSameDtype(q, v, 'attention');
  const [B, T, Hq, D] = q.shape;
  const [kb, S, Hkv, kd] = k.shape;
  if (kb !== B || kd !== D || v.shape.join() !== k.shape.join() || Hq % Hkv !== 0) {
    throw new SlingError('tensor_attention_shape', `attention: q ${q.label()} does not fit k ${k.label()} / v ${v.label()}`, {
      hint: 'q is [B, T, Hq, D], k and v are [B, S, Hkv, D] with Hq a multiple of Hkv',
    });
  }
  const G = Hq / Hkv;
  const geometry: Geometry = { B, T, S, Hkv, G, D, GT: G * T, scale: options.scale ?? 1 / Math.sqrt(D), mask: planMask(options, B, T, S) };
  const native = q.values instanceof Float32Array ? nativeRows() : null;
  if (native) return nativeAttention(native, q, k, v, Hq, geometry);
  const { GT, scale } = geometry;
  const dtype = q.floatDtype;
  const blocks = B * Hkv;
  const perChunk = Math.max(1, Math.min(blocks, Math.floor((options.chunkScores ?? CHUNK_SCORES) / Math.max(1, GT * S))));
  const qt = headMajor(q.values, q.shape); // [B, Hq, T, D] = [B, Hkv, G·T, D]
  const kt = headMajor(k.values, k.shape); // [B, Hkv, S, D]
  const vt = headMajor(v.values, v.shape);
  const scores = allocate(dtype, perChunk * GT * S); // [chunk, G·T, S]
  const logSumExp = allocate(dtype, blocks * GT); // [B, Hkv, G·T]
  const outHeadMajor = allocate(dtype, q.size);
  const m = {} as RowMask;
  for (let start = 0; start < blocks; start += perChunk) {
    const count = Math.min(perChunk, blocks - start);
    gemm(qt, kt, scores, { m: GT, n: S, k: D, transB: true, batch: count, offsetA: start * GT * D, offsetB: start * S * D });
    for (let p = 0; p < count; p++) {
      for (let row = 0; row < GT; row++) {
        logSumExp[(start + p) * GT + row] = softmaxRow(scores, (p * GT + row) * S, S, scale, rowMask(geometry, start + p, row, m));
      }
    }
    gemm(scores, vt, outHeadMajor, { m: GT, n: D, k: S, batch: count, offsetB: start * S * D, offsetC: start * GT * D });
  }
  const out = allocate(dtype, q.size);
  permuteKernel(outHeadMajor, [B, Hq, T, D], SWAP_TOKENS_AND_HEADS, out);
  if (!needsGrad(q, k, v)) return new Tensor(out, q.shape);
  const keptProbabilities = perChunk >= blocks ? scores : null;
  return record(new Tensor(out, q.shape), 'attention', [q, k, v], () => (grad) => {
    // Head-major copies are re-derived rather than captured, so the forward copies are garbage right away.
    const gradOut = headMajor(grad, q.shape);
    const queries = !keptProbabilities || k.requiresGrad ? headMajor(q.values, q.shape) : null;
    const keys = !keptProbabilities || q.requiresGrad ? headMajor(k.values, k.shape) : null;
    const values = q.requiresGrad || k.requiresGrad ? headMajor(v.values, v.shape) : null;
    const gradQt = q.requiresGrad ? allocate(dtype, q.size) : null;
    const gradKt = k.requiresGrad ? allocate(dtype, k.size) : null;
    const gradVt = v.requiresGrad ? allocate(dtype, v.size) : null;
    const probabilities = keptProbabilities ?? allocate(dtype, perChunk * GT * S);
    const gradScores = values ? allocate(dtype, perChunk * GT * S) : null;
    const row = {} as RowMask;
    for (let start = 0; start < blocks; start += perChunk) {
      const count = Math.min(perChunk, blocks - start);
      const offsets = { offsetA: start * GT * D, offsetB: start * S * D };
      if (!keptProbabilities) {
        gemm(queries!, keys!, probabilities, { m: GT, n: S, k: D, transB: true, batch: count, ...offsets });
        for (let p = 0; p < count; p++) {
          for (let r = 0; r < GT; r++) {
            recomputeRow(probabilities, (p * GT + r) * S, S, scale, rowMask(geometry, start + p, r, row), logSumExp[(start + p) * GT + r]);
          }
        }
      }
      if (gradVt) gemm(probabilities, gradOut, gradVt, { m: S, n: D, k: GT, transA: true, batch: count, offsetB: start * GT * D, offsetC: start * S * D });
      if (!gradScores) continue;
      gemm(gradOut, values!, gradScores, { m: GT, n: S, k: D, transB: true, batch: count, ...offsets });
      for (let r = 0; r < count * GT; r++) {
        const base = r * S;
        let dot = 0;
        for (let s = 0; s < S; s++) dot += gradScores[base + s] * probabilities[base + s];
        for (let s = 0; s < S; s++) gradScores[base + s] = probabilities[base + s] * (gradScores[base + s] - dot) * scale;
      }
      if (gradQt) gemm(gradScores, keys!, gradQt, { m: GT, n: D, k: S, batch: count, offsetB: start * S * D, offsetC: start * GT * D });
      if (gradKt) gemm(gradScores, queries!, gradKt, { m: S, n: D, k: GT, transA: true, batch: count, offsetB: start * GT * D, offsetC: start * S * D });
    }
    return [
      gradQt ? headMajor(gradQt, [B, Hq, T, D]) : null,
      gradKt ? headMajor(gradKt, [B, Hkv, S, D]) : null,
      gradVt ? headMajor(gradVt, [B, Hkv, S, D]) : null,
    ];
  });
}

/** The addon's fused attention; the mask goes over as one key range per query plus the per-key filters. */
function nativeAttention(native: NativeRowFunctions, q: Tensor, k: Tensor, v: Tensor, Hq: number, geometry: Geometry): Tensor {
  const { B, T, S, Hkv, D, scale, mask } = geometry;
  const ranges = new Int32Array(2 * B * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const [lo, hi] = mask.range(b, t);
      ranges[2 * (b * T + t)] = Math.max(0, Math.min(S, lo));
      ranges[2 * (b * T + t) + 1] = Math.max(0, Math.min(S, hi));
    }
  }
  const dims = Float64Array.of(B, T, S, Hq, Hkv, D, scale);
  const [queries, keys, values] = [q.values, k.values, v.values] as Float32Array[];
  const out = new Float32Array(q.size);
  const logSumExp = new Float32Array(B * Hq * T); // [B, Hq, T]
  native.attentionForward(queries, keys, values, out, logSumExp, dims, ranges, mask.keyMask, mask.segmentIds, mask.keySegmentIds);
  if (!needsGrad(q, k, v)) return new Tensor(out, q.shape);
  return record(new Tensor(out, q.shape), 'attention', [q, k, v], () => (grad) => {
    const gradQ = q.requiresGrad ? new Float32Array(q.size) : null;
    const gradK = k.requiresGrad ? new Float32Array(k.size) : null;
    const gradV = v.requiresGrad ? new Float32Array(v.size) : null;
    native.attentionBackward(queries, keys, values, logSumExp, grad as Float32Array, gradQ, gradK, gradV, dims, ranges, mask.keyMask, mask.segmentIds, mask.keySegmentIds);
    return [gradQ, gradK, gradV];
  });
}
