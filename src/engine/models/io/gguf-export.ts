/**
 * @module engine/models/io/gguf-export
 * Writes a Checkpoint as a GGUF file that llama.cpp loads: `{arch}.*` metadata, the tokenizer, and the
 * weights renamed to GGUF names in the chosen dtype (1-D norm weights and biases stay f32, as llama.cpp's
 * converter keeps them). llama.cpp applies adjacent-pair RoPE to 'llama' models, so q/k rows in HF
 * rotate-half layout are permuted; qwen2/qwen3 use rotate-half RoPE and need the HF layout.
 */
import { SlingError } from '../../../core/errors.ts';
import { ggufTokenizerMetadata } from '../tokenizer/gguf-tokenizer-export.ts';
import type { Checkpoint } from './checkpoint.ts';
import { ggufMetadataFromConfig } from './gguf-config.ts';
import { ggufNameFromHf } from './gguf-names.ts';
import { ggufTyped, writeGguf, type GgufTensorInput, type GgufValue } from './gguf-write.ts';
import { convertRaw, type RawDtype } from './raw-tensor.ts';
import { permuteRopeRows } from './rope-layout.ts';
import { ropeFactorsTensor } from './rope-factors.ts';

export interface GgufExportOptions {
  /** dtype of the matrices (default: each tensor's own dtype). */
  dtype?: RawDtype;
  name?: string;
}

const fileTypes: Record<RawDtype, number> = { f32: 0, f16: 1, bf16: 32 };

export function writeGgufCheckpoint(path: string, checkpoint: Checkpoint, options: GgufExportOptions = {}): void {
  const { config } = checkpoint;
  const arch = config.architecture === 'mistral' ? 'llama' : config.architecture;
  const wanted = arch === 'llama' ? 'interleaved' : 'half';
  const tensors: GgufTensorInput[] = [];
  for (const [hfName, source] of checkpoint.tensors) {
    const name = hfName === 'rope_freqs.weight' ? hfName : ggufNameFromHf(hfName);
    if (!name) throw new SlingError('gguf_unknown_tensor', `tensor "${hfName}" has no GGUF name`, { file: path, field: hfName });
    if (name === 'output.weight' && config.tieWordEmbeddings) continue;
    let tensor = source;
    if (/\.attn_[qk]\.(weight|bias)$/.test(name) && config.ropeConvention !== wanted) {
      tensor = permuteRopeRows(tensor, config.headDim, wanted === 'interleaved' ? 'half-to-interleaved' : 'interleaved-to-half');
    }
    const dtype = tensor.shape.length === 1 ? 'f32' : (options.dtype ?? tensor.dtype);
    tensors.push({ name, tensor: convertRaw(tensor, dtype) });
  }
  // llama.cpp reads Llama 3 RoPE scaling from this tensor, not from metadata.
  const ropeFactors = ropeFactorsTensor(config);
  if (ropeFactors && !checkpoint.tensors.has('rope_freqs.weight')) tensors.push({ name: 'rope_freqs.weight', tensor: ropeFactors });
  const metadata: Record<string, GgufValue> = {
    ...(ggufMetadataFromConfig(config) as Record<string, GgufValue>),
    'general.name': options.name ?? 'sling-export',
    'general.file_type': ggufTyped.scalar('u32', fileTypes[options.dtype ?? 'f32']),
    ...ggufTokenizerMetadata(checkpoint.tokenizer, path, config.vocabSize),
  };
  if (checkpoint.chatTemplate) metadata['tokenizer.chat_template'] = checkpoint.chatTemplate;
  writeGguf(path, { metadata, tensors });
}
