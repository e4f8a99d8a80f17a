/**
 * @module engine/models/io/gguf-read
 * Reads a local GGUF file: header, metadata and tensor infos through @huggingface/gguf, tensor data by
 * ourselves at `tensorDataOffset + offset`. F32, F16 and BF16 keep their dtype; Q8_0 is dequantised to f32.
 * GGUF shapes list the innermost dimension first, so they are reversed into row-major [out, in].
 */
import { closeSync, openSync, statSync } from 'node:fs';
import { gguf } from '@huggingface/gguf';
import { SlingError } from '../../../core/errors.ts';
import { f16ToF32 } from '../../backend/bf16.ts';
import { GgmlType, ggmlTypeName } from './gguf-names.ts';
import type { GgufMetadata } from './gguf-config.ts';
import { allocateRaw, elementCount, type RawDtype, type RawTensor } from './raw-tensor.ts';
import { readFully } from './safetensors-read.ts';

export interface GgufContents {
  metadata: GgufMetadata;
  /** Keyed by the GGUF tensor name (e.g. `blk.0.attn_q.weight`). */
  tensors: Map<string, RawTensor>;
}

export interface GgufTensorInfo { name: string; shape: number[]; type: number; offset: number }

/** Metadata and tensor infos only (no tensor data). */
export async function readGgufHeader(path: string): Promise<{ metadata: GgufMetadata; tensorInfos: GgufTensorInfo[]; dataOffset: number }> {
  let parsed: Awaited<ReturnType<typeof gguf>>;
  try {
    parsed = await gguf(path, { allowLocalFile: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SlingError('gguf_invalid', `cannot parse GGUF: ${reason}`, { file: path, cause: error, hint: 'is this a GGUF file (it must start with the bytes "GGUF")?' });
  }
  const tensorInfos = parsed.tensorInfos.map((info) => ({
    name: info.name,
    shape: info.shape.map(Number).reverse(),
    type: info.dtype as number,
    offset: Number(info.offset),
  }));
  return { metadata: parsed.metadata as unknown as GgufMetadata, tensorInfos, dataOffset: Number(parsed.tensorDataOffset) };
}

export async function readGguf(path: string): Promise<GgufContents> {
  const { metadata, tensorInfos, dataOffset } = await readGgufHeader(path);
  const fileSize = statSync(path).size;
  const tensors = new Map<string, RawTensor>();
  const handle = openSync(path, 'r');
  try {
    for (const info of tensorInfos) {
      const count = elementCount(info.shape);
      const byteLength = storedByteLength(info, count, path);
      const start = dataOffset + info.offset;
      if (start + byteLength > fileSize) {
        throw new SlingError('gguf_invalid', `tensor ${info.name} needs bytes ${start}..${start + byteLength} but the file has ${fileSize}`, { file: path, hint: 'the file is truncated' });
      }
      const dtype = directTypes[info.type];
      if (dtype) {
        const { tensor, bytes } = allocateRaw(dtype, info.shape);
        readFully(handle, bytes, start);
        tensors.set(info.name, tensor);
      } else {
        const bytes = new Uint8Array(byteLength);
        readFully(handle, bytes, start);
        tensors.set(info.name, { dtype: 'f32', shape: info.shape, data: dequantizeQ8_0(bytes, count) });
      }
    }
  } finally {
    closeSync(handle);
  }
  return { metadata, tensors };
}

function storedByteLength(info: GgufTensorInfo, count: number, path: string): number {
  switch (info.type) {
    case GgmlType.F32: return count * 4;
    case GgmlType.F16:
    case GgmlType.BF16: return count * 2;
    case GgmlType.Q8_0: return (count / 32) * 34;
    default:
      throw new SlingError('gguf_unsupported_type', `tensor ${info.name} has type ${ggmlTypeName(info.type)}, which Sling cannot read`, { file: path, hint: 'supported tensor types: F32, F16, BF16, Q8_0; re-export the model with one of them' });
  }
}

const directTypes: Record<number, RawDtype | undefined> = { [GgmlType.F32]: 'f32', [GgmlType.F16]: 'f16', [GgmlType.BF16]: 'bf16' };

/** Q8_0: blocks of 32 values, each an f16 scale followed by 32 int8 quants; value = scale * quant. */
export function dequantizeQ8_0(bytes: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let block = 0; block < count / 32; block++) {
    const base = block * 34;
    const scale = f16ToF32(view.getUint16(base, true));
    for (let i = 0; i < 32; i++) out[block * 32 + i] = scale * view.getInt8(base + 2 + i);
  }
  return out;
}
