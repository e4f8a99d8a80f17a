/**
 * @module engine/nn/module
 * What every layer offers: its parameters by name (Hugging Face key suffixes, e.g. "weight", "lora_A.weight").
 * Layers are plain classes without a base class; these helpers work on anything with namedParameters().
 */
import type { Tensor } from '../tensor/index.ts';

export interface Module {
  namedParameters(): [string, Tensor][];
}

/** Joins a child's names under `prefix` ("layers.0.mlp" + "weight" → "layers.0.mlp.weight"). */
export function prefixed(prefix: string, module: Module): [string, Tensor][] {
  return module.namedParameters().map(([name, tensor]) => [prefix === '' ? name : `${prefix}.${name}`, tensor]);
}

/** Parameters that will receive gradients. */
export function trainableParameters(module: Module): [string, Tensor][] {
  return module.namedParameters().filter(([, tensor]) => tensor.requiresGrad);
}

export function setRequiresGrad(module: Module, requiresGrad: boolean): void {
  for (const [, tensor] of module.namedParameters()) if (tensor.dtype !== 'bf16') tensor.requiresGrad = requiresGrad;
}

export function zeroGrad(module: Module): void {
  for (const [, tensor] of module.namedParameters()) tensor.zeroGrad();
}

export function parameterCount(module: Module, onlyTrainable = false): number {
  return module.namedParameters().reduce((total, [, tensor]) => total + (onlyTrainable && !tensor.requiresGrad ? 0 : tensor.size), 0);
}
