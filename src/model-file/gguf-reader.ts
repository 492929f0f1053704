// Reads the header of a GGUF file (v3, and v2 which has the same layout):
// metadata, tensor infos, alignment and where the tensor data starts. Only the
// header region is read, in chunks; tensor data is never touched, so opening a
// 1.2 GB model costs a few MB of reads.
//
// Every byte is treated as hostile. Each count and length is checked against
// the bytes left in the file before anything is allocated for it, the header
// is capped in size and in the number of values it may hold, and every failure
// is a GgufError with a message a user can act on.
import * as fs from 'node:fs';
import { GgufError } from './gguf-error';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VALUE_TYPE as VALUE_TYPE,
  alignUp,
  ggufFixedSize,
  ggufValueTypeName,
} from './gguf-format';
import { ggmlTensorBytes, ggmlTypeName } from './ggml-types';

// A local copy: the hot loops over vocabulary arrays read these ids per value.
const T = { ...VALUE_TYPE };

export { GgufError } from './gguf-error';
export type { GgufErrorCode } from './gguf-error';

export type GgufValue = number | bigint | boolean | string | GgufValue[];

export interface GgufTensor {
  name: string;
  type: number;
  dims: number[];
  /** Absolute byte offset of the tensor data in the file. */
  offset: number;
  bytes: number;
}

export interface GgufFile {
  path: string;
  fileSize: number;
  version: number;
  alignment: number;
  dataOffset: number;
  metadata: Map<string, GgufValue>;
  /** The stored value type id of each metadata key (GGUF_VALUE_TYPE). */
  metadataTypes: Map<string, number>;
  tensors: GgufTensor[];
}

/** The largest header we accept. The 2B4T header is about 7 MB. */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;
/** The most metadata values (array elements included) we accept. 2B4T has about 0.67 M. */
export const MAX_HEADER_VALUES = 16 * 1024 * 1024;
const MAX_ARRAY_DEPTH = 8;
const MAX_KEY_BYTES = 65535;
const MAX_DIMS = 4;
const READ_CHUNK = 1024 * 1024;
/** Smallest possible encodings, used to bound counts before reading them. */
const MIN_KV_BYTES = 8 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;

/**
 * What a reader expects of a file, checked as the header is read, so a file
 * that is not one is refused before the rest of its header is parsed (a
 * hostile 60 MB header otherwise costs seconds of CPU first).
 */
export interface GgufExpectations {
  /** What the file should be, for messages ("a BitNet b1.58 model"). */
  kind: string;
  /**
   * Called with the value of general.architecture as soon as it is read, or
   * with undefined if the metadata reaches an array or its end first (writers
   * put the architecture first). Throws to refuse the file.
   */
  architecture?: (value: GgufValue | undefined) => void;
  /** Tighter limits than the generic ones. */
  maxTensors?: number;
  maxKeys?: number;
  maxHeaderBytes?: number;
  maxValues?: number;
}

/** Where header bytes come from: a file descriptor, or memory for tests. */
export interface ByteSource {
  readonly size: number;
  /** Fills `target` from `position`; returns the bytes read (fewer only at EOF). */
  read(target: Buffer, position: number): number;
}

export function readGguf(path: string, expect?: GgufExpectations): GgufFile {
  let fd: number;
  try {
    // Check the kind first: opening a named pipe would block until a writer appears.
    const kind = fs.statSync(path);
    if (kind.isDirectory()) throw new GgufError('IO', `${path} is a folder, not a model file`);
    if (!kind.isFile()) throw new GgufError('IO', `${path} is not a regular file`);
    fd = fs.openSync(path, 'r');
  } catch (err) {
    if (err instanceof GgufError) throw err;
    throw ioError(path, err);
  }
  try {
    const stat = fs.fstatSync(fd);
    const source: ByteSource = {
      size: stat.size,
      read: (target, position) => readAt(fd, target, position),
    };
    return parseGguf(source, path, READ_CHUNK, expect);
  } catch (err) {
    // Only file-system failures become IO errors; anything else is a bug to surface as is.
    if (isErrno(err)) throw ioError(path, err);
    throw err;
  } finally {
    fs.closeSync(fd);
  }
}

/** Parses a GGUF held in memory (the fuzz test uses this; same checks as readGguf). */
/** Fills `target` from the file at `position`; returns the bytes read, fewer only at the end of the file. */
export function readAt(fd: number, target: Uint8Array, position: number): number {
  let done = 0;
  while (done < target.length) {
    const n = fs.readSync(fd, target, done, target.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

export function readGgufBuffer(bytes: Uint8Array, path = '<memory>', chunkBytes = READ_CHUNK, expect?: GgufExpectations): GgufFile {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return parseGguf(
    {
      size: data.length,
      read(target, position) {
        return data.copy(target, 0, position, Math.min(data.length, position + target.length));
      },
    },
    path,
    chunkBytes,
    expect,
  );
}

/** `chunkBytes` is how much header is read at a time (small values exercise the refills in tests). */
export function parseGguf(source: ByteSource, path: string, chunkBytes = READ_CHUNK, expect?: GgufExpectations): GgufFile {
  const maxBytes = Math.min(MAX_HEADER_BYTES, expect?.maxHeaderBytes ?? Infinity);
  const r = new HeaderReader(source, chunkBytes, maxBytes, Math.min(MAX_HEADER_VALUES, expect?.maxValues ?? Infinity));
  checkMagic(r, path);
  const version = readVersion(r);
  const tensorCount = r.count(MIN_TENSOR_INFO_BYTES, 'the tensor count');
  const kvCount = r.count(MIN_KV_BYTES, 'the metadata count');
  if (expect) checkCounts(expect, tensorCount, kvCount);

  const metadata = new Map<string, GgufValue>();
  const metadataTypes = new Map<string, number>();
  let architectureChecked = !expect?.architecture;
  for (let i = 0; i < kvCount; i++) {
    const at = r.pos;
    const key = r.string('a metadata key', MAX_KEY_BYTES);
    if (metadata.has(key)) throw corrupt(`metadata key ${q(key)} appears twice (byte ${at})`);
    const type = r.u32();
    if (!architectureChecked && type === T.array) {
      expect!.architecture!(undefined);
      architectureChecked = true;
    }
    const value = readValue(r, type, key, 0);
    metadata.set(key, value);
    metadataTypes.set(key, type);
    if (!architectureChecked && key === 'general.architecture') {
      expect!.architecture!(value);
      architectureChecked = true;
    }
  }
  if (!architectureChecked) expect!.architecture!(undefined);

  const infos: RawTensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const info = readTensorInfo(r);
    if (names.has(info.name)) throw corrupt(`tensor ${q(info.name)} appears twice`);
    names.add(info.name);
    infos.push(info);
  }

  const alignment = readAlignment(metadata, metadataTypes);
  const dataOffset = alignUp(r.pos, alignment);
  const tensors = placeTensors(infos, alignment, dataOffset, source.size);
  return { path, fileSize: source.size, version, alignment, dataOffset, metadata, metadataTypes, tensors };
}

function checkCounts(expect: GgufExpectations, tensorCount: number, kvCount: number): void {
  if (expect.maxTensors !== undefined && tensorCount > expect.maxTensors) {
    throw new GgufError('BAD_TENSOR', `the file claims ${tensorCount} tensors; ${expect.kind} has at most ${expect.maxTensors}`);
  }
  if (expect.maxKeys !== undefined && kvCount > expect.maxKeys) {
    throw corrupt(`the header claims ${kvCount} metadata keys; ${expect.kind} has at most ${expect.maxKeys}`);
  }
}

interface RawTensorInfo {
  name: string;
  type: number;
  dims: bigint[];
  relOffset: bigint;
}

function checkMagic(r: HeaderReader, path: string): void {
  const size = r.size;
  if (size < 4) throw new GgufError('NOT_GGUF', `${path} is not a GGUF model file (it is only ${size} bytes long)`);
  const head = r.peek(Math.min(size, 16));
  if (head.readUInt32LE(0) === GGUF_MAGIC) {
    r.skip(4);
    return;
  }
  const text = head.toString('latin1').trimStart().toLowerCase();
  if (text.startsWith('<')) {
    throw new GgufError('NOT_GGUF', `${path} is a web page, not a GGUF model file (a failed download?)`);
  }
  if (text.startsWith('{') || text.startsWith('[')) {
    throw new GgufError('NOT_GGUF', `${path} is a JSON file, not a GGUF model file`);
  }
  throw new GgufError('NOT_GGUF', `${path} is not a GGUF model file (it does not start with "GGUF")`);
}

function readVersion(r: HeaderReader): number {
  const version = r.u32();
  if (version === 2 || version === 3) return version;
  if (version === 0x02000000 || version === 0x03000000) {
    throw new GgufError('UNSUPPORTED_VERSION', 'this GGUF file is big-endian; only little-endian files are supported');
  }
  if (version === 1) {
    throw new GgufError('UNSUPPORTED_VERSION', 'GGUF version 1 is too old; convert the model again with a current tool');
  }
  throw new GgufError('UNSUPPORTED_VERSION', `GGUF version ${version} is not supported (this reader knows versions 2 and 3)`);
}

function readValue(r: HeaderReader, type: number, key: string, depth: number): GgufValue {
  switch (type) {
    case T.u8:
      return r.u8();
    case T.i8:
      return r.i8();
    case T.u16:
      return r.u16();
    case T.i16:
      return r.i16();
    case T.u32:
      return r.u32();
    case T.i32:
      return r.i32();
    case T.f32:
      return r.f32();
    case T.bool:
      return r.bool(key);
    case T.string:
      return r.string(() => `the value of ${q(key)}`);
    case T.u64:
      return r.u64();
    case T.i64:
      return r.i64();
    case T.f64:
      return r.f64();
    case T.array:
      return readArray(r, key, depth + 1);
    default:
      throw corrupt(`metadata key ${q(key)} has an unknown value type ${type}`);
  }
}

function readArray(r: HeaderReader, key: string, depth: number): GgufValue[] {
  if (depth > MAX_ARRAY_DEPTH) throw corrupt(`metadata key ${q(key)} nests arrays more than ${MAX_ARRAY_DEPTH} deep`);
  const itemType = r.u32();
  const fixed = ggufFixedSize(itemType);
  if (fixed === undefined && itemType !== T.string && itemType !== T.array) {
    throw corrupt(`metadata key ${q(key)} is an array of unknown value type ${itemType}`);
  }
  // Bound the count by the smallest encoding of one element before allocating.
  const minItem = fixed ?? (itemType === T.string ? 8 : 12);
  const count = r.count(minItem, `the length of array ${q(key)}`);
  r.spendValues(count, key);
  const out: GgufValue[] = new Array(count);
  if (fixed !== undefined) {
    // One read for the whole run of fixed-size values.
    const at = r.take(count * fixed);
    const buf = r.buffer;
    for (let i = 0; i < count; i++) out[i] = decodeFixed(buf, at + i * fixed, itemType, key);
    return out;
  }
  if (itemType === T.string) {
    // The vocabulary: hundreds of thousands of strings, read without the per-value switch.
    const what = () => `an element of array ${q(key)}`;
    for (let i = 0; i < count; i++) out[i] = r.string(what);
    return out;
  }
  for (let i = 0; i < count; i++) out[i] = readValue(r, itemType, key, depth);
  return out;
}

function decodeFixed(buf: Buffer, at: number, type: number, key: string): GgufValue {
  switch (type) {
    case T.u8:
      return buf[at]!;
    case T.i8:
      return buf.readInt8(at);
    case T.u16:
      return buf.readUInt16LE(at);
    case T.i16:
      return buf.readInt16LE(at);
    case T.u32:
      return buf.readUInt32LE(at);
    case T.i32:
      return buf.readInt32LE(at);
    case T.f32:
      return buf.readFloatLE(at);
    case T.bool:
      return decodeBool(buf[at]!, key);
    case T.u64:
      return buf.readBigUInt64LE(at);
    case T.i64:
      return buf.readBigInt64LE(at);
    default:
      return buf.readDoubleLE(at);
  }
}

function decodeBool(byte: number, key: string): boolean {
  if (byte > 1) throw corrupt(`metadata key ${q(key)} holds a boolean byte ${byte} (must be 0 or 1)`);
  return byte === 1;
}

function readTensorInfo(r: HeaderReader): RawTensorInfo {
  const at = r.pos;
  const name = r.string('a tensor name', MAX_KEY_BYTES);
  const nDims = r.u32();
  if (nDims < 1 || nDims > MAX_DIMS) {
    throw new GgufError('BAD_TENSOR', `tensor ${q(name)} has ${nDims} dimensions (byte ${at}); 1 to ${MAX_DIMS} are allowed`);
  }
  const dims: bigint[] = [];
  for (let d = 0; d < nDims; d++) {
    const dim = r.u64();
    if (dim < 1n || dim > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new GgufError('BAD_TENSOR', `tensor ${q(name)} has an impossible dimension ${dim}`);
    }
    dims.push(dim);
  }
  const type = r.u32();
  const relOffset = r.u64();
  return { name, type, dims, relOffset };
}

function readAlignment(metadata: Map<string, GgufValue>, types: Map<string, number>): number {
  const value = metadata.get('general.alignment');
  if (value === undefined) return GGUF_DEFAULT_ALIGNMENT;
  const type = types.get('general.alignment');
  const ok =
    type === T.u32 && typeof value === 'number' && value > 0 && value <= 65536 && (value & (value - 1)) === 0;
  if (!ok) throw corrupt(`general.alignment must be a u32 power of two up to 65536, not ${String(value)}`);
  return value as number;
}

/** Sizes, offsets and bounds of every tensor: aligned, inside the file, not overlapping. */
function placeTensors(infos: RawTensorInfo[], alignment: number, dataOffset: number, fileSize: number): GgufTensor[] {
  const tensors: GgufTensor[] = [];
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  for (const info of infos) {
    const bytes = ggmlTensorBytes(info.type, info.dims);
    if (typeof bytes === 'string') throw new GgufError('BAD_TENSOR', `tensor ${q(info.name)}: ${bytes}`);
    if (info.relOffset % BigInt(alignment) !== 0n) {
      throw corrupt(`tensor ${q(info.name)} has data offset ${info.relOffset}, not a multiple of the alignment ${alignment}`);
    }
    const end = BigInt(dataOffset) + info.relOffset + bytes;
    if (end > limit) {
      throw corrupt(`tensor ${q(info.name)} (${ggmlTypeName(info.type)}, ${info.dims.join('×')}) claims data beyond any possible file size`);
    }
    tensors.push({
      name: info.name,
      type: info.type,
      dims: info.dims.map(Number),
      offset: dataOffset + Number(info.relOffset),
      bytes: Number(bytes),
    });
  }
  const byOffset = [...tensors].sort((a, b) => a.offset - b.offset);
  let expected = dataOffset;
  for (let i = 0; i < byOffset.length; i++) {
    const t = byOffset[i]!;
    const prev = byOffset[i - 1];
    if (prev && t.offset < prev.offset + prev.bytes) {
      throw corrupt(`tensors ${q(prev.name)} and ${q(t.name)} overlap`);
    }
    expected = Math.max(expected, t.offset + t.bytes);
  }
  if (tensors.length > 0 && expected > fileSize) {
    throw new GgufError('TRUNCATED', `the file is truncated: expected ${expected} bytes, found ${fileSize}`);
  }
  return tensors;
}

/** Sequential reads over the header through a window that refills in chunks. */
class HeaderReader {
  pos = 0;
  buffer = Buffer.alloc(0);
  private bufferStart = 0;
  private values = 0;

  constructor(
    private readonly source: ByteSource,
    private readonly chunkBytes: number,
    private readonly maxHeaderBytes: number,
    private readonly maxValues: number,
  ) {}

  get size(): number {
    return this.source.size;
  }

  /** Makes n bytes at pos available without consuming them; returns a view. */
  peek(n: number): Buffer {
    const at = this.ensure(n);
    return this.buffer.subarray(at, at + n);
  }

  skip(n: number): void {
    this.take(n);
  }

  /** Consumes n bytes; returns their index in `buffer`. */
  take(n: number): number {
    const at = this.ensure(n);
    this.pos += n;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return this.buffer[at]!;
  }
  i8(): number {
    const at = this.take(1); // take() may refill the buffer
    return this.buffer.readInt8(at);
  }
  u16(): number {
    const at = this.take(2); // take() may refill the buffer
    return this.buffer.readUInt16LE(at);
  }
  i16(): number {
    const at = this.take(2); // take() may refill the buffer
    return this.buffer.readInt16LE(at);
  }
  u32(): number {
    const at = this.take(4); // take() may refill the buffer
    return this.buffer.readUInt32LE(at);
  }
  i32(): number {
    const at = this.take(4); // take() may refill the buffer
    return this.buffer.readInt32LE(at);
  }
  f32(): number {
    const at = this.take(4); // take() may refill the buffer
    return this.buffer.readFloatLE(at);
  }
  u64(): bigint {
    const at = this.take(8); // take() may refill the buffer
    return this.buffer.readBigUInt64LE(at);
  }
  i64(): bigint {
    const at = this.take(8); // take() may refill the buffer
    return this.buffer.readBigInt64LE(at);
  }
  f64(): number {
    const at = this.take(8); // take() may refill the buffer
    return this.buffer.readDoubleLE(at);
  }
  bool(key: string): boolean {
    return decodeBool(this.u8(), key);
  }

  /**
   * A u64 as a plain number: exact below 2^53, and still larger than any
   * limit above it. Lengths and counts use this to avoid a BigInt per string.
   */
  u64Number(): number {
    const at = this.take(8);
    return this.buffer.readUInt32LE(at) + this.buffer.readUInt32LE(at + 4) * 4294967296;
  }

  /** The exact u64 at a position already read, for error messages. */
  private exactU64(at: number): bigint {
    return this.buffer.readBigUInt64LE(at - this.bufferStart);
  }

  /** `what` names the string in an error; a function so the hot path builds no message. */
  string(what: string | (() => string), maxBytes = this.maxHeaderBytes): string {
    const at = this.pos;
    const n = this.u64Number();
    if (n > maxBytes) {
      const name = typeof what === 'string' ? what : what();
      throw corrupt(`${name} at byte ${at} claims an impossible length of ${this.exactU64(at)} bytes`);
    }
    const start = this.take(n);
    return this.buffer.toString('utf8', start, start + n);
  }

  /** Reads a u64 count of items each at least minItemBytes long, bounded by the bytes left. */
  count(minItemBytes: number, what: string): number {
    const at = this.pos;
    const count = this.u64Number();
    const left = Math.max(0, Math.min(this.size, this.maxHeaderBytes) - this.pos);
    const needed = count * minItemBytes;
    if (needed > left) {
      if (this.pos + needed <= this.maxHeaderBytes) throw truncated(this.pos + needed, this.size);
      throw corrupt(`${what} at byte ${at} is an impossible ${this.exactU64(at)}`);
    }
    return count;
  }

  spendValues(n: number, key: string): void {
    this.values += n;
    if (this.values > this.maxValues) {
      throw corrupt(`the metadata holds more than ${this.maxValues} values (at ${q(key)})`);
    }
  }

  private ensure(n: number): number {
    const end = this.pos + n;
    if (end > this.size) throw truncated(end, this.size);
    if (end > this.maxHeaderBytes) throw corrupt(`the GGUF header is larger than ${this.maxHeaderBytes / 1048576} MiB`);
    if (this.pos >= this.bufferStart && end <= this.bufferStart + this.buffer.length) return this.pos - this.bufferStart;
    const length = Math.min(Math.max(n, this.chunkBytes), this.size - this.pos);
    const chunk = Buffer.allocUnsafe(length);
    const got = this.source.read(chunk, this.pos);
    if (got < n) throw truncated(end, this.pos + got);
    this.buffer = chunk.subarray(0, got);
    this.bufferStart = this.pos;
    return 0;
  }
}

/** A name from the file, quoted for a message: control characters hidden, length capped. */
function q(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return `"${clean.length > 80 ? `${clean.slice(0, 77)}...` : clean}"`;
}

function truncated(expected: number, found: number): GgufError {
  return new GgufError('TRUNCATED', `the file is truncated: expected at least ${expected} bytes, found ${found}`);
}

function corrupt(message: string): GgufError {
  return new GgufError('CORRUPT', `the file is damaged: ${message}`);
}

function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && !(err instanceof GgufError);
}

function ioError(path: string, err: unknown): GgufError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'the file does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a folder'
          : (err as Error).message;
  return new GgufError('IO', `cannot read ${path}: ${reason}`);
}

/** The metadata type of a key as a name, for display. */
export function metadataTypeName(file: GgufFile, key: string): string {
  const type = file.metadataTypes.get(key);
  return type === undefined ? 'missing' : (ggufValueTypeName(type) ?? `type ${type}`);
}
