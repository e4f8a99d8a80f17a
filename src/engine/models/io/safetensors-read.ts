/**
 * @module engine/models/io/safetensors-read
 * Reads .safetensors files (an 8-byte little-endian header length, a JSON header mapping each tensor to its
 * dtype, shape and [begin, end) byte range, then the data), validating everything the header claims against
 * the file so that a truncated or corrupted file is an error naming the file and the problem.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { SlingError } from '../../../core/errors.ts';
import { allocateRaw, bytesPerElement, elementCount, type RawDtype, type RawTensor } from './raw-tensor.ts';

const dtypes: Record<string, RawDtype> = { F32: 'f32', F16: 'f16', BF16: 'bf16' };

interface HeaderEntry { dtype: string; shape: number[]; data_offsets: [number, number] }

export interface SafetensorsContents {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

function corrupt(file: string, message: string, field?: string): SlingError {
  return new SlingError('safetensors_invalid', message, { file, field, hint: 'the file is truncated or corrupted; download or export it again' });
}

export function readSafetensors(file: string): SafetensorsContents {
  let handle: number;
  try {
    handle = openSync(file, 'r');
  } catch (error) {
    throw new SlingError('model_not_found', 'cannot open the safetensors file', { file, cause: error });
  }
  try {
    const fileSize = statSync(file).size;
    if (fileSize < 8) throw corrupt(file, `file is ${fileSize} bytes, shorter than the 8-byte header length`);
    const lengthBytes = Buffer.alloc(8);
    readSync(handle, lengthBytes, 0, 8, 0);
    const headerLength = Number(lengthBytes.readBigUInt64LE(0));
    if (headerLength > fileSize - 8) throw corrupt(file, `header length ${headerLength} goes beyond the end of the file (${fileSize} bytes)`);
    const headerBytes = Buffer.alloc(headerLength);
    readSync(handle, headerBytes, 0, headerLength, 8);
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(headerBytes.toString('utf8')) as Record<string, unknown>;
    } catch (error) {
      throw corrupt(file, `header is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!header || typeof header !== 'object' || Array.isArray(header)) throw corrupt(file, 'header is not a JSON object');
    const dataStart = 8 + headerLength;
    const dataSize = fileSize - dataStart;
    const tensors = new Map<string, RawTensor>();
    for (const [name, value] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const entry = validateEntry(file, name, value, dataSize);
      const { tensor, bytes } = allocateRaw(dtypes[entry.dtype], entry.shape);
      readFully(handle, bytes, dataStart + entry.data_offsets[0]);
      tensors.set(name, tensor);
    }
    return { tensors, metadata: (header.__metadata__ ?? {}) as Record<string, string> };
  } finally {
    closeSync(handle);
  }
}

/** readSync may return fewer bytes than asked (large reads); loop until the buffer is full. */
export function readFully(handle: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) {
    const count = readSync(handle, bytes, done, Math.min(bytes.length - done, 1 << 30), position + done);
    if (count === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += count;
  }
}

function validateEntry(file: string, name: string, value: unknown, dataSize: number): HeaderEntry {
  const entry = value as Partial<HeaderEntry> | null;
  if (!entry || typeof entry !== 'object') throw corrupt(file, `tensor "${name}" has no header entry object`, name);
  if (typeof entry.dtype !== 'string' || !dtypes[entry.dtype]) {
    throw new SlingError('safetensors_unsupported_dtype', `tensor "${name}" has dtype ${String(entry.dtype)}; supported: F32, F16, BF16`, { file, field: name });
  }
  if (!Array.isArray(entry.shape) || !entry.shape.every((size) => Number.isInteger(size) && size >= 0)) {
    throw corrupt(file, `tensor "${name}" has an invalid shape ${JSON.stringify(entry.shape)}`, name);
  }
  const offsets = entry.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((offset) => Number.isInteger(offset) && offset >= 0) || offsets[0] > offsets[1]) {
    throw corrupt(file, `tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`, name);
  }
  if (offsets[1] > dataSize) {
    throw corrupt(file, `tensor "${name}" data_offsets [${offsets.join(', ')}] go beyond the ${dataSize} data bytes in the file`, name);
  }
  const expected = elementCount(entry.shape) * bytesPerElement(dtypes[entry.dtype]);
  if (offsets[1] - offsets[0] !== expected) {
    throw corrupt(file, `tensor "${name}" spans ${offsets[1] - offsets[0]} bytes but ${entry.dtype} [${entry.shape.join(', ')}] needs ${expected}`, name);
  }
  return entry as HeaderEntry;
}
