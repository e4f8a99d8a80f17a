/**
 * @module engine/models/io/gguf-write
 * A generic GGUF (version 3) writer: metadata key/values and F32/F16/BF16 tensors. Used for whole models
 * (gguf-export.ts) and for GGUF LoRA adapters (metadata `general.type = "adapter"`).
 *
 * Layout: "GGUF", version, tensor count, kv count, the key/values, the tensor infos (GGUF shapes list the
 * innermost dimension first, so our row-major [out, in] is written as [in, out]), padding to the alignment,
 * then each tensor's data padded to the alignment.
 */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { SlingError } from '../../../core/errors.ts';
import { GgmlType } from './gguf-names.ts';
import { bytesPerElement, elementCount, rawBytes, type RawTensor } from './raw-tensor.ts';

/** GGUF value types (gguf.h `enum gguf_type`). */
export const GgufValueType = { u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10, i64: 11, f64: 12 } as const;
export type GgufScalarType = Exclude<keyof typeof GgufValueType, 'array'>;

/** An explicitly typed value; plain values are inferred (see inferType). */
export interface GgufTypedValue { type: GgufScalarType; value: unknown; array?: boolean }
export type GgufValue = string | number | boolean | bigint | string[] | number[] | boolean[] | GgufTypedValue;

/** Explicit typing helpers, e.g. `gguf.f32(16)` for a float that happens to be a whole number. */
export const ggufTyped = {
  scalar: (type: GgufScalarType, value: number | bigint | string | boolean): GgufTypedValue => ({ type, value }),
  array: (type: GgufScalarType, value: unknown[]): GgufTypedValue => ({ type, value, array: true }),
};

export interface GgufTensorInput { name: string; tensor: RawTensor }

export interface GgufWriteInput {
  metadata: Record<string, GgufValue>;
  tensors: GgufTensorInput[];
  alignment?: number;
}

/**
 * Inference: strings → string, booleans → bool, bigint → u64, whole numbers → u32 (i32 if negative),
 * other numbers → f32; arrays of whole numbers → i32, other number arrays → f32.
 */
function normalise(key: string, value: GgufValue): GgufTypedValue {
  if (typeof value === 'object' && !Array.isArray(value) && value !== null && 'type' in value) return value;
  const scalar = (item: unknown): GgufScalarType => {
    if (typeof item === 'string') return 'string';
    if (typeof item === 'boolean') return 'bool';
    if (typeof item === 'bigint') return 'u64';
    if (typeof item === 'number') return Number.isInteger(item) ? (item < 0 ? 'i32' : 'u32') : 'f32';
    throw new SlingError('gguf_invalid_metadata', `metadata "${key}" has an unsupported value ${String(item)}`, { field: key });
  };
  if (Array.isArray(value)) {
    if (value.length === 0) return { type: 'i32', value, array: true };
    if (typeof value[0] === 'number') return { type: (value as number[]).every(Number.isInteger) ? 'i32' : 'f32', value, array: true };
    return { type: scalar(value[0]), value, array: true };
  }
  return { type: scalar(value), value };
}

class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;
  push(buffer: Buffer): void { this.chunks.push(buffer); this.length += buffer.length; }
  u32(value: number): void { const b = Buffer.alloc(4); b.writeUInt32LE(value); this.push(b); }
  u64(value: number | bigint): void { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(value)); this.push(b); }
  string(value: string): void { const bytes = Buffer.from(value, 'utf8'); this.u64(bytes.length); this.push(bytes); }
  scalar(type: GgufScalarType, value: unknown): void {
    const b = Buffer.alloc(type === 'u64' || type === 'i64' || type === 'f64' ? 8 : type === 'u16' || type === 'i16' ? 2 : type === 'u8' || type === 'i8' || type === 'bool' ? 1 : 4);
    switch (type) {
      case 'string': return this.string(String(value));
      case 'bool': b.writeUInt8(value ? 1 : 0); break;
      case 'u8': b.writeUInt8(Number(value)); break;
      case 'i8': b.writeInt8(Number(value)); break;
      case 'u16': b.writeUInt16LE(Number(value)); break;
      case 'i16': b.writeInt16LE(Number(value)); break;
      case 'u32': b.writeUInt32LE(Number(value)); break;
      case 'i32': b.writeInt32LE(Number(value)); break;
      case 'f32': b.writeFloatLE(Number(value)); break;
      case 'u64': b.writeBigUInt64LE(BigInt(value as number)); break;
      case 'i64': b.writeBigInt64LE(BigInt(value as number)); break;
      case 'f64': b.writeDoubleLE(Number(value)); break;
    }
    this.push(b);
  }
  concat(): Buffer { return Buffer.concat(this.chunks); }
}

const ggmlTypes = { f32: GgmlType.F32, f16: GgmlType.F16, bf16: GgmlType.BF16 } as const;
const padTo = (value: number, alignment: number) => Math.ceil(value / alignment) * alignment;

/** Writes atomically (to `path.tmp`, then renamed). */
export function writeGguf(path: string, input: GgufWriteInput): void {
  const alignment = input.alignment ?? 32;
  const metadata = { ...input.metadata };
  if (alignment !== 32) metadata['general.alignment'] = ggufTyped.scalar('u32', alignment);
  const header = new ByteWriter();
  header.push(Buffer.from('GGUF', 'ascii'));
  header.u32(3);
  header.u64(input.tensors.length);
  header.u64(Object.keys(metadata).length);
  for (const [key, raw] of Object.entries(metadata)) {
    const { type, value, array } = normalise(key, raw);
    header.string(key);
    if (array) {
      header.u32(GgufValueType.array);
      header.u32(GgufValueType[type]);
      header.u64((value as unknown[]).length);
      for (const item of value as unknown[]) header.scalar(type, item);
    } else {
      header.u32(GgufValueType[type]);
      header.scalar(type, value);
    }
  }
  let dataOffset = 0;
  const names = new Set<string>();
  for (const { name, tensor } of input.tensors) {
    if (names.has(name)) throw new SlingError('gguf_duplicate_tensor', `tensor "${name}" appears twice`, { file: path });
    names.add(name);
    if (tensor.data.byteLength !== elementCount(tensor.shape) * bytesPerElement(tensor.dtype)) {
      throw new SlingError('tensor_shape_mismatch', `tensor "${name}" data does not match its shape [${tensor.shape.join(', ')}]`, { file: path });
    }
    header.string(name);
    header.u32(tensor.shape.length);
    for (const size of [...tensor.shape].reverse()) header.u64(size);
    header.u32(ggmlTypes[tensor.dtype]);
    header.u64(dataOffset);
    dataOffset = padTo(dataOffset + tensor.data.byteLength, alignment);
  }
  header.push(Buffer.alloc(padTo(header.length, alignment) - header.length));
  const temporary = `${path}.tmp`;
  const handle = openSync(temporary, 'w');
  try {
    writeSync(handle, header.concat());
    for (const { tensor } of input.tensors) {
      writeSync(handle, rawBytes(tensor));
      const padding = padTo(tensor.data.byteLength, alignment) - tensor.data.byteLength;
      if (padding) writeSync(handle, Buffer.alloc(padding));
    }
  } finally {
    closeSync(handle);
  }
  renameSync(temporary, path);
}
