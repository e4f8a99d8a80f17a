/**
 * @module engine/models/io/safetensors-write
 * Writes a .safetensors file: the JSON header padded with spaces to a multiple of 8 bytes (as the reference
 * implementation does, so the data stays aligned), then each tensor's bytes in header order.
 */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { SlingError } from '../../../core/errors.ts';
import { bytesPerElement, elementCount, rawBytes, type RawTensor } from './raw-tensor.ts';

const dtypeNames = { f32: 'F32', f16: 'F16', bf16: 'BF16' } as const;

/** Writes atomically (to `file.tmp`, then renamed) so an interrupted export never leaves a half file. */
export function writeSafetensors(file: string, tensors: Map<string, RawTensor> | Record<string, RawTensor>, metadata: Record<string, string> = {}): void {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of entries) {
    const byteLength = elementCount(tensor.shape) * bytesPerElement(tensor.dtype);
    if (tensor.data.byteLength !== byteLength) {
      throw new SlingError('tensor_shape_mismatch', `tensor ${name}: data has ${tensor.data.byteLength} bytes, shape [${tensor.shape.join(', ')}] needs ${byteLength}`, { file });
    }
    header[name] = { dtype: dtypeNames[tensor.dtype], shape: tensor.shape, data_offsets: [offset, offset + byteLength] };
    offset += byteLength;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padding = (8 - (json.length % 8)) % 8;
  if (padding) json = Buffer.concat([json, Buffer.alloc(padding, 0x20)]);
  const lengthBytes = Buffer.alloc(8);
  lengthBytes.writeBigUInt64LE(BigInt(json.length));
  const temporary = `${file}.tmp`;
  const handle = openSync(temporary, 'w');
  try {
    writeSync(handle, lengthBytes);
    writeSync(handle, json);
    for (const [, tensor] of entries) writeSync(handle, rawBytes(tensor));
  } finally {
    closeSync(handle);
  }
  renameSync(temporary, file);
}
