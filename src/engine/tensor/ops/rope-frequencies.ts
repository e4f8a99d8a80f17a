/**
 * @module engine/tensor/ops/rope-frequencies
 * Rotary embedding frequencies and cos/sin tables, including the Llama-3 `rope_scaling` adjustment (type
 * "llama3": long wavelengths divided by `factor`, short ones kept, a smooth blend in between) and linear
 * position scaling. Arithmetic follows Hugging Face's float32 computation so tables match its cos/sin.
 */
import { SlingError } from '../../../core/errors.ts';

export type RopeScaling =
  | { type: 'linear'; factor: number }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number };

/** Reads a Hugging Face config.json `rope_scaling` object (snake_case); null/undefined/default mean none. */
export function ropeScalingFromConfig(config: Record<string, unknown> | null | undefined): RopeScaling | undefined {
  if (!config) return undefined;
  const type = (config.rope_type ?? config.type) as string | undefined;
  if (type === undefined || type === 'default') return undefined;
  const factor = Number(config.factor);
  if (type === 'linear') return { type, factor };
  if (type === 'llama3') {
    return {
      type,
      factor,
      lowFreqFactor: Number(config.low_freq_factor),
      highFreqFactor: Number(config.high_freq_factor),
      originalMaxPositionEmbeddings: Number(config.original_max_position_embeddings),
    };
  }
  throw new SlingError('rope_scaling_unsupported', `rope_scaling type "${type}" is not supported`, {
    field: 'rope_scaling',
    hint: 'supported: default, linear, llama3',
  });
}

/** Inverse frequencies θ^(−2i/d) for i < rotaryDim/2, adjusted by `scaling`. rotaryDim defaults to headDim. */
export function ropeFrequencies(rotaryDim: number, theta: number, scaling?: RopeScaling): Float64Array {
  if (rotaryDim % 2 !== 0) throw new SlingError('rope_dim', `rotary dim ${rotaryDim} must be even`);
  const half = rotaryDim / 2;
  const inverse = new Float64Array(half);
  for (let i = 0; i < half; i++) inverse[i] = Math.fround(1 / Math.fround(theta ** Math.fround((2 * i) / rotaryDim)));
  if (scaling?.type === 'linear') {
    for (let i = 0; i < half; i++) inverse[i] = Math.fround(inverse[i] / Math.fround(scaling.factor));
  } else if (scaling?.type === 'llama3') {
    // Every step rounded to float32 in Hugging Face's order, so the table matches its float32 tensors bit for bit.
    const f = Math.fround;
    const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: context } = scaling;
    const lowFreqWavelength = context / lowFreqFactor;
    const highFreqWavelength = context / highFreqFactor;
    for (let i = 0; i < half; i++) {
      const wavelength = f(f(2 * Math.PI) / inverse[i]);
      if (wavelength > lowFreqWavelength) inverse[i] = f(inverse[i] / f(factor));
      else if (wavelength >= highFreqWavelength) {
        const smooth = f(f(f(f(context) / wavelength) - f(lowFreqFactor)) / f(highFreqFactor - lowFreqFactor));
        const low = f(f(f(f(1) - smooth) * inverse[i]) / f(factor));
        inverse[i] = f(low + f(smooth * inverse[i]));
      }
    }
  }
  return inverse;
}

export interface RopeTable {
  /** cos/sin of position·frequency, [maxPositions, halfDim]. */
  cos: Float64Array;
  sin: Float64Array;
  halfDim: number;
  maxPositions: number;
}

/** Precomputes cos/sin for positions 0..maxPositions−1 (angle rounded to float32 as Hugging Face does). */
export function ropeTable(inverseFrequencies: Float64Array, maxPositions: number): RopeTable {
  const halfDim = inverseFrequencies.length;
  const cos = new Float64Array(maxPositions * halfDim);
  const sin = new Float64Array(maxPositions * halfDim);
  for (let p = 0; p < maxPositions; p++) {
    for (let i = 0; i < halfDim; i++) {
      const angle = Math.fround(p * inverseFrequencies[i]);
      cos[p * halfDim + i] = Math.fround(Math.cos(angle));
      sin[p * halfDim + i] = Math.fround(Math.sin(angle));
    }
  }
  return { cos, sin, halfDim, maxPositions };
}
