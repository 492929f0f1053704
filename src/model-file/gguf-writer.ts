// Writes a GGUF v3 file: typed metadata in the given order, tensor infos, then
// each tensor's data streamed from a callback, padded to the alignment. The
// header is built in memory (a few MB); tensor data goes straight to disk, so
// writing a 1.2 GB model never holds more than the caller's chunk. The file
// appears under its name only once complete (written beside it, then renamed).
import * as fs from 'node:fs';
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VALUE_TYPE, GGUF_VERSION, alignUp, type GgufValueTypeName } from './gguf-format';
import { ggmlTensorBytes, ggmlTypeName } from './ggml-types';

export type GgufScalar = number | bigint | boolean | string;

/** A metadata value with the type it is stored as. */
export type GgufTypedValue =
  | { type: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64'; value: number }
  | { type: 'u64' | 'i64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | GgufTypedArray;

export type GgufTypedArray =
  | { type: 'array'; itemType: Exclude<GgufValueTypeName, 'array'>; items: ArrayLike<GgufScalar> }
  | { type: 'array'; itemType: 'array'; items: ArrayLike<GgufTypedArray> };

/** Receives a tensor's data in order, in chunks of any size. */
export type TensorSink = (chunk: Uint8Array) => void;

export interface GgufTensorSpec {
  name: string;
  type: number;
  /** ggml order: dims[0] is the contiguous dimension. */
  dims: readonly number[];
  /** Must pass exactly the tensor's byte size to `sink`, in order. */
  write(sink: TensorSink): void;
}

export interface GgufWriteSpec {
  metadata: ReadonlyArray<readonly [string, GgufTypedValue]>;
  tensors: readonly GgufTensorSpec[];
}

export interface GgufWriteResult {
  bytes: number;
  dataOffset: number;
}

export function writeGguf(path: string, spec: GgufWriteSpec): GgufWriteResult {
  const alignment = alignmentOf(spec.metadata);
  const sizes = spec.tensors.map((t) => tensorBytes(t));
  const header = encodeHeader(spec, sizes, alignment);
  const dataOffset = alignUp(header.length, alignment);

  const partial = `${path}.partial-${process.pid}`;
  const fd = fs.openSync(partial, 'w');
  let ok = false;
  try {
    writeAll(fd, header);
    writeAll(fd, new Uint8Array(dataOffset - header.length));
    let position = dataOffset;
    spec.tensors.forEach((tensor, i) => {
      const expected = sizes[i]!;
      let written = 0;
      tensor.write((chunk) => {
        written += chunk.length;
        if (written > expected) throw new Error(`tensor ${tensor.name}: more data than its ${expected} bytes`);
        writeAll(fd, chunk);
      });
      if (written !== expected) throw new Error(`tensor ${tensor.name}: wrote ${written} bytes, expected ${expected}`);
      const padded = alignUp(expected, alignment);
      writeAll(fd, new Uint8Array(padded - expected));
      position += padded;
    });
    fs.closeSync(fd);
    fs.renameSync(partial, path);
    ok = true;
    return { bytes: position, dataOffset };
  } finally {
    if (!ok) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
      fs.rmSync(partial, { force: true });
    }
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done);
}

function alignmentOf(metadata: GgufWriteSpec['metadata']): number {
  const entry = metadata.find(([key]) => key === 'general.alignment');
  if (!entry) return GGUF_DEFAULT_ALIGNMENT;
  const [, v] = entry;
  if (v.type !== 'u32' || v.value <= 0 || (v.value & (v.value - 1)) !== 0) {
    throw new Error('general.alignment must be a u32 power of two');
  }
  return v.value;
}

function tensorBytes(t: GgufTensorSpec): number {
  const bytes = ggmlTensorBytes(t.type, t.dims.map(BigInt));
  if (typeof bytes === 'string') throw new Error(`tensor ${t.name} (${ggmlTypeName(t.type)}): ${bytes}`);
  return Number(bytes);
}

function encodeHeader(spec: GgufWriteSpec, sizes: number[], alignment: number): Uint8Array {
  const out = new GrowableBuffer();
  out.u32(GGUF_MAGIC);
  out.u32(GGUF_VERSION);
  out.u64(BigInt(spec.tensors.length));
  out.u64(BigInt(spec.metadata.length));
  for (const [key, value] of spec.metadata) {
    out.string(key);
    out.u32(GGUF_VALUE_TYPE[value.type]);
    encodeValue(out, value);
  }
  let offset = 0;
  spec.tensors.forEach((t, i) => {
    out.string(t.name);
    out.u32(t.dims.length);
    for (const d of t.dims) out.u64(BigInt(d));
    out.u32(t.type);
    out.u64(BigInt(offset));
    offset += alignUp(sizes[i]!, alignment);
  });
  return out.bytes();
}

function encodeValue(out: GrowableBuffer, v: GgufTypedValue): void {
  if (v.type === 'array') {
    out.u32(GGUF_VALUE_TYPE[v.itemType]);
    out.u64(BigInt(v.items.length));
    if (v.itemType === 'array') {
      const items = v.items as ArrayLike<GgufTypedArray>;
      for (let i = 0; i < items.length; i++) encodeValue(out, items[i]!);
    } else {
      const items = v.items as ArrayLike<GgufScalar>;
      for (let i = 0; i < items.length; i++) encodeScalar(out, v.itemType, items[i]!);
    }
    return;
  }
  encodeScalar(out, v.type, v.value);
}

function encodeScalar(out: GrowableBuffer, type: Exclude<GgufValueTypeName, 'array'>, value: GgufScalar): void {
  if (type === 'string') {
    if (typeof value !== 'string') throw new TypeError(`expected a string, got ${typeof value}`);
    out.string(value);
  } else if (type === 'bool') {
    if (typeof value !== 'boolean') throw new TypeError(`expected a boolean, got ${typeof value}`);
    out.u8(value ? 1 : 0);
  } else if (type === 'u64' || type === 'i64') {
    if (typeof value !== 'bigint') throw new TypeError(`expected a bigint for ${type}, got ${typeof value}`);
    if (type === 'u64') out.u64(value);
    else out.i64(value);
  } else {
    if (typeof value !== 'number') throw new TypeError(`expected a number for ${type}, got ${typeof value}`);
    out.number(type, value);
  }
}

const INT_RANGE: Record<string, [number, number]> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
};

/** An append-only little-endian byte buffer that doubles when full. */
class GrowableBuffer {
  private buf = Buffer.alloc(1 << 16);
  private length = 0;

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  private reserve(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  /** Reserves n bytes, then writes them: reserving may replace the buffer. */
  private put(n: number, write: (buf: Buffer, at: number) => unknown): void {
    const at = this.reserve(n);
    write(this.buf, at);
  }

  u8(v: number): void {
    const at = this.reserve(1);
    this.buf[at] = v;
  }
  u32(v: number): void {
    this.put(4, (b, at) => b.writeUInt32LE(v, at));
  }
  u64(v: bigint): void {
    this.put(8, (b, at) => b.writeBigUInt64LE(v, at));
  }
  i64(v: bigint): void {
    this.put(8, (b, at) => b.writeBigInt64LE(v, at));
  }
  string(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.u64(BigInt(n));
    const at = this.reserve(n);
    this.buf.write(s, at, n, 'utf8');
  }

  number(type: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64', v: number): void {
    const range = INT_RANGE[type];
    if (range && !(Number.isInteger(v) && v >= range[0] && v <= range[1])) {
      throw new RangeError(`${v} does not fit a ${type}`);
    }
    switch (type) {
      case 'u8':
        return this.u8(v);
      case 'i8':
        return this.put(1, (b, at) => b.writeInt8(v, at));
      case 'u16':
        return this.put(2, (b, at) => b.writeUInt16LE(v, at));
      case 'i16':
        return this.put(2, (b, at) => b.writeInt16LE(v, at));
      case 'u32':
        return this.u32(v);
      case 'i32':
        return this.put(4, (b, at) => b.writeInt32LE(v, at));
      case 'f32':
        return this.put(4, (b, at) => b.writeFloatLE(v, at));
      case 'f64':
        return this.put(8, (b, at) => b.writeDoubleLE(v, at));
    }
  }
}
