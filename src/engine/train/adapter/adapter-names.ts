/**
 * @module engine/train/adapter/adapter-names
 * Tensor names of LoRA adapters in the two formats we write:
 * - PEFT (Hugging Face): `base_model.model.<module>.lora_A.weight` [r, in] and `.lora_B.weight` [out, r],
 *   where <module> is the HF linear name, e.g. `model.layers.0.self_attn.q_proj`.
 * - GGUF LoRA (llama.cpp `convert_lora_to_gguf.py`): `<gguf weight name>.lora_a` (ggml ne = [in, r], i.e.
 *   row-major [r, in]) and `.lora_b` (ne = [r, out], row-major [out, r]), e.g. `blk.0.attn_q.weight.lora_a`.
 */
import { ggufNameFromHf, hfNameFromGguf } from '../../models/io/gguf-names.ts';

export type LoraPart = 'A' | 'B';

const PEFT_PREFIX = 'base_model.model.';

/** `model.layers.0.self_attn.q_proj` + 'A' → `base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`. */
export function peftTensorName(module: string, part: LoraPart): string {
  return `${PEFT_PREFIX}${module}.lora_${part}.weight`;
}

/** The inverse of peftTensorName; also accepts PEFT's older `.lora_A.default.weight` form. */
export function parsePeftTensorName(name: string): { module: string; part: LoraPart } | undefined {
  const match = /^(?:base_model\.model\.)?(.+)\.lora_(A|B)(?:\.default)?\.weight$/.exec(name);
  return match ? { module: match[1], part: match[2] as LoraPart } : undefined;
}

/** `model.layers.0.self_attn.q_proj` + 'A' → `blk.0.attn_q.weight.lora_a`, or undefined when llama.cpp has no such tensor. */
export function ggufLoraTensorName(module: string, part: LoraPart): string | undefined {
  const weight = ggufNameFromHf(`${module}.weight`);
  return weight ? `${weight}.lora_${part.toLowerCase()}` : undefined;
}

export function parseGgufLoraTensorName(name: string): { module: string; part: LoraPart } | undefined {
  const match = /^(.+\.weight)\.lora_(a|b)$/.exec(name);
  const hf = match ? hfNameFromGguf(match[1]) : undefined;
  return hf && match ? { module: hf.replace(/\.weight$/, ''), part: match[2].toUpperCase() as LoraPart } : undefined;
}

/** The short module kind (`q_proj`, `down_proj`, ...) of a full HF module name. */
export function moduleKind(module: string): string {
  return module.slice(module.lastIndexOf('.') + 1);
}
