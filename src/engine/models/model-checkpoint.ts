/**
 * @module engine/models/model-checkpoint
 * The other direction of model-builders: a model's current weights as a Checkpoint (Hugging Face names,
 * float32 raw tensors), so the io writers (GGUF, safetensors) can save a random or trained model. LoRA
 * wrappers must be merged first; their extra parameters have no place in a base checkpoint.
 */
import { SlingError } from '../../core/errors.ts';
import type { Checkpoint } from './io/checkpoint.ts';
import type { RawTensor } from './io/raw-tensor.ts';
import type { Llama } from './llama.ts';
import type { Tokenizer } from './tokenizer/tokenizer.ts';

export function checkpointFromModel(model: Llama, tokenizer: Tokenizer, options: { chatTemplate?: string; source?: string } = {}): Checkpoint {
  const tensors = new Map<string, RawTensor>();
  for (const [name, parameter] of model.namedParameters()) {
    if (/lora_[AB]/.test(name)) {
      throw new SlingError('model_has_adapter', `parameter "${name}" belongs to a LoRA adapter`, { field: name, hint: 'merge the adapter into the base weights before exporting a full checkpoint' });
    }
    const data = parameter.data;
    tensors.set(name, data instanceof Uint16Array ? { dtype: 'bf16', shape: [...parameter.shape], data } : { dtype: 'f32', shape: [...parameter.shape], data: Float32Array.from(data) });
  }
  const config = { ...model.config, tieWordEmbeddings: model.lmHead === null };
  return { config, tensors, tokenizer, chatTemplate: options.chatTemplate, source: options.source ?? 'memory', format: 'hf' };
}
