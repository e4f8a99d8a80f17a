/**
 * @module engine/models/io
 * The public surface of checkpoint I/O, tokenizers, chat templates and the Hub (see README.md here).
 */
export type { Checkpoint } from './checkpoint.ts';
export { layerTensorName } from './checkpoint.ts';
export type { RawDtype, RawTensor } from './raw-tensor.ts';
export { bytesPerElement, convertRaw, elementCount, makeRawTensor, rawBytes, rawToF32 } from './raw-tensor.ts';
export type { LlamaConfig, LlamaFamily, RopeScaling } from '../config.ts';
export { familyOf, hfConfigJson, parseHfConfig } from '../config.ts';
export { loadCheckpoint, type LoadCheckpointOptions } from '../load-checkpoint.ts';
export { loadHfFolder } from './hf-folder.ts';
export { writeHfFolder } from './hf-folder-write.ts';
export { loadGgufCheckpoint } from './gguf-checkpoint.ts';
export { readGguf, readGgufHeader, dequantizeQ8_0, type GgufContents, type GgufTensorInfo } from './gguf-read.ts';
export { writeGguf, ggufTyped, GgufValueType, type GgufValue, type GgufTypedValue, type GgufWriteInput, type GgufTensorInput } from './gguf-write.ts';
export { writeGgufCheckpoint, type GgufExportOptions } from './gguf-export.ts';
export { configFromGguf, ggufMetadataFromConfig } from './gguf-config.ts';
export { GgmlType, ggufNameFromHf, hfNameFromGguf } from './gguf-names.ts';
export { readLlama2cCheckpoint } from './llama2c.ts';
export { readSafetensors, type SafetensorsContents } from './safetensors-read.ts';
export { writeSafetensors } from './safetensors-write.ts';
export { permuteRopeRows } from './rope-layout.ts';
export type { Tokenizer } from '../tokenizer/tokenizer.ts';
export { TokenType } from '../tokenizer/tokenizer.ts';
export { SpmTokenizer, type SpmVocabulary } from '../tokenizer/spm-tokenizer.ts';
export { HfTokenizer } from '../tokenizer/hf-tokenizer.ts';
export { readLlama2cTokenizer } from '../tokenizer/llama2c-tokenizer.ts';
export { tokenizerFromGguf } from '../tokenizer/gguf-tokenizer.ts';
export { renderChatTemplate, templateTokens, type ChatMessage, type ChatTemplateOptions } from '../tokenizer/chat-template.ts';
export { pullModel, parseHubId, type PullOptions } from '../hub/hub-pull.ts';
export { resolveModel } from '../hub/resolve-model.ts';
export { hubEnvironment } from '../hub/hub-cache.ts';
