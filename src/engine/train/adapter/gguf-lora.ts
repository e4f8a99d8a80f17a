/**
 * @module engine/train/adapter/gguf-lora
 * Writes a LoRA adapter as a GGUF file that llama.cpp loads on top of its base (llama-adapter.cpp):
 * `general.type = "adapter"`, `adapter.type = "lora"`, `adapter.lora.alpha`, `general.architecture` equal to the
 * base's, and per module `<weight>.lora_a` (ggml ne [in, r]) / `.lora_b` (ne [r, out]). llama.cpp scales by
 * alpha / r with r read from lora_a, so rsLoRA's alpha / √r is written as alpha' = alpha·√r.
 * llama.cpp's 'llama' architecture expects q/k rows in the interleaved RoPE layout (convert_lora_to_gguf.py
 * permutes lora_B for HF bases); qwen2/qwen3 keep HF's half layout.
 */
import { SlingError } from '../../../core/errors.ts';
import type { LlamaConfig } from '../../models/config.ts';
import { ggufTyped, writeGguf, type GgufTensorInput } from '../../models/io/gguf-write.ts';
import { ggufLoraTensorName } from './adapter-names.ts';
import { convertRopeRows, type LoraAdapter } from './lora-adapter.ts';

type BaseShape = Pick<LlamaConfig, 'architecture' | 'numHeads' | 'numKvHeads'>;

export function ggufArchitectureOf(base: Pick<LlamaConfig, 'architecture'>): string {
  return base.architecture === 'mistral' ? 'llama' : base.architecture;
}

export function writeGgufLora(file: string, adapter: LoraAdapter, base: BaseShape, name = 'sling-lora'): void {
  const architecture = ggufArchitectureOf(base);
  const wanted = architecture === 'llama' ? 'interleaved' : 'half';
  const tensors: GgufTensorInput[] = [];
  for (const [module, pair] of adapter.layers) {
    const nameA = ggufLoraTensorName(module, 'A');
    const nameB = ggufLoraTensorName(module, 'B');
    if (!nameA || !nameB) throw new SlingError('export_unsupported_module', `module ${module} has no llama.cpp tensor name`, { file, field: module });
    const r = pair.a.length / pair.inFeatures;
    const b = convertRopeRows(module, pair, adapter.ropeConvention, wanted, base);
    tensors.push({ name: nameA, tensor: { dtype: 'f32', shape: [r, pair.inFeatures], data: pair.a } });
    tensors.push({ name: nameB, tensor: { dtype: 'f32', shape: [pair.outFeatures, r], data: b } });
  }
  const alpha = adapter.config.useRslora ? adapter.config.alpha * Math.sqrt(adapter.config.r) : adapter.config.alpha;
  writeGguf(file, {
    metadata: {
      'general.architecture': architecture,
      'general.type': 'adapter',
      'general.name': name,
      'adapter.type': 'lora',
      'adapter.lora.alpha': ggufTyped.scalar('f32', alpha),
    },
    tensors,
  });
}
