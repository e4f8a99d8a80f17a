/**
 * @module engine/tensor/ops/attention
 * Fused scaled-dot-product attention with grouped-query heads, masks (see attention-mask.ts) and a fused
 * backward. Every product is a batched GEMM over (batch, kv head): the G = Hq/Hkv query heads that share a
 * kv head are stacked into one [G·T, D] operand.
 *
 * Shape legend: B batch, T queries, S keys, Hq query heads, Hkv kv heads, G = Hq/Hkv, D head dim.
 * q: [B, T, Hq, D], k and v: [B, S, Hkv, D] → out [B, T, Hq, D]. Query head h uses kv head ⌊h/G⌋.
 * Saved for backward: only the probabilities P [B, Hkv, G·T, S]; head-major q, k, v are re-derived from the
 * inputs (which the graph keeps alive anyway) instead of holding a second copy of each.
 * Backward: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P⊙(dP − rowsum(dP⊙P))·scale, dQ = dS·K, dK = dSᵀ·Q.
 */
import { SlingError } from '../../../core/errors.ts';
import { expOf } from '../../backend/fast-exp.ts';
import { needsGrad, record } from '../autograd.ts';
import { allocate, Tensor, type FloatArray } from '../tensor.ts';
import { planMask, type AttentionMaskOptions } from './attention-mask.ts';
import { checkSameDtype } from './elementwise.ts';
import { gemm } from './gemm.ts';
import { permuteKernel } from './shape.ts';

export interface AttentionOptions extends AttentionMaskOptions {
  /** Score scale; default 1/√D. */
  scale?: number;
}

const SWAP_TOKENS_AND_HEADS = [0, 2, 1, 3];

function headMajor(x: FloatArray, shape: readonly number[]): FloatArray {
  const out = allocate(x instanceof Float64Array ? 'float64' : 'float32', x.length);
  permuteKernel(x, shape, SWAP_TOKENS_AND_HEADS, out);
  return out;
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
  const GT = G * T;
  const scale = options.scale ?? 1 / Math.sqrt(D);
  const mask = planMask(options, B, T, S);
  const dtype = q.floatDtype;
  const qt = headMajor(q.values, q.shape); // [B, Hq, T, D] = [B, Hkv, G·T, D]
  const kt = headMajor(k.values, k.shape); // [B, Hkv, S, D]
  const vt = headMajor(v.values, v.shape);
  const batch = B * Hkv;
  const probabilities = allocate(dtype, batch * GT * S); // [B, Hkv, G·T, S]
  gemm(qt, kt, probabilities, { m: GT, n: S, k: D, transB: true, batch });
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const [lo, hi] = mask.range(b, t);
      const filter: KeyFilter = {
        keyMask: mask.keyMask,
        segments: mask.keySegmentIds,
        offset: b * S,
        segment: mask.segmentIds ? mask.segmentIds[b * T + t] : 0,
      };
      for (let h = 0; h < Hkv; h++) {
        for (let g = 0; g < G; g++) {
          const row = ((b * Hkv + h) * GT + g * T + t) * S;
          maskedSoftmaxRow(probabilities, row, S, lo, hi, scale, filter);
        }
      }
    }
  }
  const outHeadMajor = allocate(dtype, q.size);
  gemm(probabilities, vt, outHeadMajor, { m: GT, n: D, k: S, batch });
  const out = allocate(dtype, q.size);
  permuteKernel(outHeadMajor, [B, Hq, T, D], SWAP_TOKENS_AND_HEADS, out);
  if (!needsGrad(q, k, v)) return new Tensor(out, q.shape);
  return record(new Tensor(out, q.shape), 'attention', [q, k, v], () => (grad) => {
    const gradOut = headMajor(grad, q.shape);
    const needScores = q.requiresGrad || k.requiresGrad;
    // Re-derived rather than captured, so the forward copies are garbage right after the forward pass.
    const queries = k.requiresGrad ? headMajor(q.values, q.shape) : null;
    const keys = q.requiresGrad ? headMajor(k.values, k.shape) : null;
    const values = needScores ? headMajor(v.values, v.shape) : null;
    let gradQ = null;
    let gradK = null;
    let gradV = null;
    if (v.requiresGrad) {
      const gradVt = allocate(dtype, v.size);
      gemm(probabilities, gradOut, gradVt, { m: S, n: D, k: GT, transA: true, batch });
      gradV = headMajor(gradVt, [B, Hkv, S, D]);
    }
    if (needScores) {
      const gradScores = allocate(dtype, probabilities.length);
      gemm(gradOut, values!, gradScores, { m: GT, n: S, k: D, transB: true, batch });
      for (let row = 0; row < batch * GT; row++) {
        const base = row * S;
        let dot = 0;
        for (let s = 0; s < S; s++) dot += gradScores[base + s] * probabilities[base + s];
        for (let s = 0; s < S; s++) gradScores[base + s] = probabilities[base + s] * (gradScores[base + s] - dot) * scale;
      }
      if (q.requiresGrad) {
        const gradQt = allocate(dtype, q.size);
        gemm(gradScores, keys!, gradQt, { m: GT, n: D, k: S, batch });
        gradQ = headMajor(gradQt, [B, Hq, T, D]);
      }
      if (k.requiresGrad) {
        const gradKt = allocate(dtype, k.size);
        gemm(gradScores, queries!, gradKt, { m: S, n: D, k: GT, transA: true, batch });
        gradK = headMajor(gradKt, [B, Hkv, S, D]);
      }
    }
    return [gradQ, gradK, gradV];
  });
}

/** Per-key filters for one query: key s is hidden if keyMask[offset + s] = 0 or segments[offset + s] ≠ segment. */
interface KeyFilter {
  keyMask: Uint8Array | null;
  segments: Int32Array | null;
  offset: number;
  segment: number;
}

/** In place: row ← softmax(scale·row) over visible keys in [lo, hi), 0 elsewhere (all 0 if none visible). */
function maskedSoftmaxRow(scores: FloatArray, base: number, keys: number, lo: number, hi: number, scale: number, filter: KeyFilter): void {
  if (lo > 0) scores.fill(0, base, base + Math.min(lo, keys));
  if (hi < keys) scores.fill(0, base + Math.max(hi, 0), base + keys);
  const { keyMask, segments, offset, segment } = filter;
  const precise = scores instanceof Float64Array;
  let maximum = -Infinity;
  for (let s = lo; s < hi; s++) {
    if ((keyMask !== null && keyMask[offset + s] === 0) || (segments !== null && segments[offset + s] !== segment)) {
      scores[base + s] = -Infinity;
      continue;
    }
    const value = scores[base + s] * scale;
    scores[base + s] = value;
    if (value > maximum) maximum = value;
  }
  if (maximum === -Infinity) {
    scores.fill(0, base, base + keys);
    return;
  }
  let total = 0;
  for (let s = lo; s < hi; s++) {
    const e = expOf(scores[base + s] - maximum, precise);
    scores[base + s] = e;
    total += e;
  }
  const inverse = 1 / total;
  for (let s = lo; s < hi; s++) scores[base + s] *= inverse;
}
