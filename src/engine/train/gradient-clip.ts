/**
 * @module engine/train/gradient-clip
 * Global-norm gradient clipping as `torch.nn.utils.clip_grad_norm_`: the L2 norm over all gradients together;
 * when it exceeds `maxNorm` every gradient is scaled by maxNorm / (norm + 1e-6).
 */

export function globalGradientNorm(gradients: Float32Array[]): number {
  let sum = 0;
  for (const gradient of gradients) for (let i = 0; i < gradient.length; i++) sum += gradient[i] * gradient[i];
  return Math.sqrt(sum);
}

/** Clips in place and returns the norm before clipping (what PyTorch returns and what we log). */
export function clipGradients(gradients: Float32Array[], maxNorm: number): number {
  const norm = globalGradientNorm(gradients);
  const coefficient = maxNorm / (norm + 1e-6);
  if (coefficient < 1) for (const gradient of gradients) for (let i = 0; i < gradient.length; i++) gradient[i] *= coefficient;
  return norm;
}

/** Multiplies every gradient by `factor` (e.g. 1 / accumulated tokens). */
export function scaleGradients(gradients: Float32Array[], factor: number): void {
  for (const gradient of gradients) for (let i = 0; i < gradient.length; i++) gradient[i] *= factor;
}
