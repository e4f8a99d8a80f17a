/**
 * @module engine/models/io/gguf-checkpoint
 * A GGUF file as a Checkpoint: config from `{arch}.*` metadata, tensors renamed to Hugging Face names (kept
 * exactly as stored, so llama-architecture q/k rows stay in llama.cpp's interleaved RoPE layout), and the
 * embedded tokenizer and chat template. Llama 3 RoPE scaling comes back from the `rope_freqs.weight` tensor,
 * which stays in the tensors under that name.
 */
import { SlingError } from '../../../core/errors.ts';
import { tokenizerFromGguf } from '../tokenizer/gguf-tokenizer.ts';
import type { Checkpoint } from './checkpoint.ts';
import { configFromGguf } from './gguf-config.ts';
import { hfNameFromGguf } from './gguf-names.ts';
import { readGguf } from './gguf-read.ts';
import { rawToF32, type RawTensor } from './raw-tensor.ts';
import { llama3ScalingFromFactors } from './rope-factors.ts';

export async function loadGgufCheckpoint(path: string): Promise<Checkpoint> {
  const { metadata, tensors: ggufTensors } = await readGguf(path);
  const config = configFromGguf(metadata, new Set(ggufTensors.keys()), path);
  const tensors = new Map<string, RawTensor>();
  for (const [name, tensor] of ggufTensors) {
    // Tensors without an HF counterpart (e.g. llama3's rope_freqs) keep their GGUF name.
    tensors.set(hfNameFromGguf(name) ?? name, tensor);
  }
  const ropeFactors = tensors.get('rope_freqs.weight');
  if (ropeFactors && !config.ropeScaling) {
    const scaling = llama3ScalingFromFactors(rawToF32(ropeFactors), config.headDim, config.ropeTheta);
    if (!scaling) {
      throw new SlingError('model_unsupported_rope', 'rope_freqs.weight holds RoPE factors that match no Llama 3 scaling Sling knows', { file: path, field: 'rope_freqs.weight' });
    }
    config.ropeScaling = scaling;
  }
  const tokenizer = tokenizerFromGguf(metadata, path);
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new SlingError('tokenizer_mismatch', `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has ${config.vocabSize}`, { file: path });
  }
  const template = metadata['tokenizer.chat_template'];
  return {
    config,
    tensors,
    tokenizer,
    chatTemplate: typeof template === 'string' ? template : undefined,
    source: path,
    format: 'gguf',
  };
}
