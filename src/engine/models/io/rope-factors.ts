/**
 * @module engine/models/io/rope-factors
 * Llama 3 RoPE scaling as GGUF stores it: llama.cpp keeps no scaling parameters but a `rope_freqs.weight`
 * tensor of per-frequency divisors (headDim/2 values), which its converter computes from rope_scaling. The
 * writer computes that tensor; the reader recognises the standard Llama 3.x parameters from it.
 */
import type { LlamaConfig, RopeScaling } from '../config.ts';
import type { RawTensor } from './raw-tensor.ts';

type Llama3Scaling = Extract<RopeScaling, { type: 'llama3' }>;

/** Divisor per frequency i: 1 for short wavelengths, `factor` for long ones, a smooth blend between. */
export function llama3RopeFactors(headDim: number, ropeTheta: number, scaling: Llama3Scaling): Float32Array {
  const lowFrequencyWavelength = scaling.originalMaxPositionEmbeddings / scaling.lowFreqFactor;
  const highFrequencyWavelength = scaling.originalMaxPositionEmbeddings / scaling.highFreqFactor;
  const factors = new Float32Array(headDim / 2);
  for (let i = 0; i < headDim / 2; i++) {
    const wavelength = (2 * Math.PI) / ropeTheta ** (-(2 * i) / headDim);
    if (wavelength < highFrequencyWavelength) factors[i] = 1;
    else if (wavelength > lowFrequencyWavelength) factors[i] = scaling.factor;
    else {
      const smooth = (scaling.originalMaxPositionEmbeddings / wavelength - scaling.lowFreqFactor) / (scaling.highFreqFactor - scaling.lowFreqFactor);
      factors[i] = 1 / ((1 - smooth) / scaling.factor + smooth);
    }
  }
  return factors;
}

export function ropeFactorsTensor(config: LlamaConfig): RawTensor | undefined {
  if (config.ropeScaling?.type !== 'llama3') return undefined;
  const data = llama3RopeFactors(config.headDim, config.ropeTheta, config.ropeScaling);
  return { dtype: 'f32', shape: [data.length], data };
}

/** The Llama 3.x scaling whose factors equal `factors` (factor = the largest; low 1, high 4 and 8192 as published), if any. */
export function llama3ScalingFromFactors(factors: Float32Array, headDim: number, ropeTheta: number): Llama3Scaling | undefined {
  const factor = Math.max(...factors);
  for (const originalMaxPositionEmbeddings of [8192, 4096, 2048, 16384, 32768]) {
    const scaling: Llama3Scaling = { type: 'llama3', factor, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings };
    const expected = llama3RopeFactors(headDim, ropeTheta, scaling);
    if (expected.every((value, index) => Math.abs(value - factors[index]) <= 1e-5 * value)) return scaling;
  }
  return undefined;
}
