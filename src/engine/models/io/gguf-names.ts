/**
 * @module engine/models/io/gguf-names
 * The rename table between llama.cpp's GGUF tensor names and Hugging Face names (both directions), and the
 * GGML type ids this layer reads and writes.
 */

const globalNames: Record<string, string> = {
  'token_embd.weight': 'model.embed_tokens.weight',
  'output_norm.weight': 'model.norm.weight',
  'output.weight': 'lm_head.weight',
};

const layerNames: Record<string, string> = {
  attn_norm: 'input_layernorm',
  attn_q: 'self_attn.q_proj',
  attn_k: 'self_attn.k_proj',
  attn_v: 'self_attn.v_proj',
  attn_output: 'self_attn.o_proj',
  attn_q_norm: 'self_attn.q_norm',
  attn_k_norm: 'self_attn.k_norm',
  ffn_norm: 'post_attention_layernorm',
  ffn_gate: 'mlp.gate_proj',
  ffn_up: 'mlp.up_proj',
  ffn_down: 'mlp.down_proj',
};

const hfToGgufGlobal = Object.fromEntries(Object.entries(globalNames).map(([gguf, hf]) => [hf, gguf]));
const hfToGgufLayer = Object.fromEntries(Object.entries(layerNames).map(([gguf, hf]) => [hf, gguf]));

/** HF name for a GGUF tensor name, or undefined when the tensor has no HF counterpart (e.g. rope_freqs). */
export function hfNameFromGguf(name: string): string | undefined {
  if (globalNames[name]) return globalNames[name];
  const match = /^blk\.(\d+)\.([a-z_]+)\.(weight|bias)$/.exec(name);
  if (!match || !layerNames[match[2]]) return undefined;
  return `model.layers.${match[1]}.${layerNames[match[2]]}.${match[3]}`;
}

/** GGUF name for an HF tensor name, or undefined when llama.cpp has no such tensor. */
export function ggufNameFromHf(name: string): string | undefined {
  if (hfToGgufGlobal[name]) return hfToGgufGlobal[name];
  const match = /^model\.layers\.(\d+)\.(.+)\.(weight|bias)$/.exec(name);
  if (!match || !hfToGgufLayer[match[2]]) return undefined;
  return `blk.${match[1]}.${hfToGgufLayer[match[2]]}.${match[3]}`;
}

/** GGML tensor type ids (ggml.h `enum ggml_type`). */
export const GgmlType = { F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q5_0: 6, Q5_1: 7, Q8_0: 8, Q8_1: 9, Q2_K: 10, Q3_K: 11, Q4_K: 12, Q5_K: 13, Q6_K: 14, Q8_K: 15, BF16: 30 } as const;

export function ggmlTypeName(type: number): string {
  return Object.entries(GgmlType).find(([, id]) => id === type)?.[0] ?? `type ${type}`;
}
