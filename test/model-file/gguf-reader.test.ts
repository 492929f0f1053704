import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GGML_TYPE } from '../../src/model-file/ggml-types';
import { parseGguf, readGguf, readGgufBuffer } from '../../src/model-file/gguf-reader';
import { GGUF_VALUE_TYPE } from '../../src/model-file/gguf-format';
import { writeGguf, type GgufTensorSpec, type GgufTypedValue } from '../../src/model-file/gguf-writer';
import { ggufFields, type Field } from '../helpers/gguf-fields';
import { tempDir, writeSmallModel } from '../helpers/model-files';
import { expectGgufError } from '../helpers/gguf-errors';

const dir = tempDir();

/** A tensor spec whose data is `bytes` bytes of `fill`. */
function filled(name: string, type: number, dims: number[], bytes: number, fill: number) {
  const data = new Uint8Array(bytes).fill(fill);
  return { name, type, dims, data, write: (sink: (c: Uint8Array) => void) => sink(data) };
}

const EVERY_TYPE: Array<[string, GgufTypedValue]> = [
  ['general.architecture', { type: 'string', value: 'test-arch' }],
  ['t.u8', { type: 'u8', value: 250 }],
  ['t.i8', { type: 'i8', value: -100 }],
  ['t.u16', { type: 'u16', value: 65000 }],
  ['t.i16', { type: 'i16', value: -32000 }],
  ['t.u32', { type: 'u32', value: 4000000000 }],
  ['t.i32', { type: 'i32', value: -2000000000 }],
  ['t.f32', { type: 'f32', value: 0.5 }],
  ['t.bool', { type: 'bool', value: true }],
  ['t.string', { type: 'string', value: 'héllo wörld ✓ 🙂' }],
  ['t.empty', { type: 'string', value: '' }],
  ['t.u64', { type: 'u64', value: 18446744073709551615n }],
  ['t.i64', { type: 'i64', value: -9223372036854775808n }],
  ['t.f64', { type: 'f64', value: Math.PI }],
  ['t.arr.f32', { type: 'array', itemType: 'f32', items: [1.5, -2.25, 0] }],
  ['t.arr.i32', { type: 'array', itemType: 'i32', items: [1, -2, 3] }],
  ['t.arr.bool', { type: 'array', itemType: 'bool', items: [true, false] }],
  ['t.arr.str', { type: 'array', itemType: 'string', items: ['a', '', 'Ġthe'] }],
  ['t.arr.u64', { type: 'array', itemType: 'u64', items: [1n, 2n ** 40n] }],
  ['t.arr.empty', { type: 'array', itemType: 'u8', items: [] }],
  [
    't.arr.nested',
    {
      type: 'array',
      itemType: 'array',
      items: [
        { type: 'array', itemType: 'u8', items: [1, 2] },
        { type: 'array', itemType: 'string', items: ['x'] },
        { type: 'array', itemType: 'array', items: [{ type: 'array', itemType: 'i16', items: [-7] }] },
      ],
    },
  ],
];

const EXPECTED_VALUES: Record<string, unknown> = {
  'general.architecture': 'test-arch',
  't.u8': 250,
  't.i8': -100,
  't.u16': 65000,
  't.i16': -32000,
  't.u32': 4000000000,
  't.i32': -2000000000,
  't.f32': 0.5,
  't.bool': true,
  't.string': 'héllo wörld ✓ 🙂',
  't.empty': '',
  't.u64': 18446744073709551615n,
  't.i64': -9223372036854775808n,
  't.f64': Math.PI,
  't.arr.f32': [1.5, -2.25, 0],
  't.arr.i32': [1, -2, 3],
  't.arr.bool': [true, false],
  't.arr.str': ['a', '', 'Ġthe'],
  't.arr.u64': [1n, 2n ** 40n],
  't.arr.empty': [],
  't.arr.nested': [[1, 2], ['x'], [[-7]]],
};

const TENSORS = [
  filled('a.f32', GGML_TYPE.F32, [3, 2], 24, 1),
  filled('b.f16', GGML_TYPE.F16, [5], 10, 2),
  filled('c.q8_0', GGML_TYPE.Q8_0, [64, 3], (64 / 32) * 34 * 3, 3),
  filled('d.q6_k', GGML_TYPE.Q6_K, [256, 2], 210 * 2, 4),
  filled('e.i2_s', GGML_TYPE.I2_S, [128, 4], (128 * 4) / 4 + 32, 5),
];

function writeEveryType(file: string, extra: Array<[string, GgufTypedValue]> = []): void {
  writeGguf(file, { metadata: [...EVERY_TYPE, ...extra], tensors: TENSORS });
}


/** A copy of `bytes` with one header field overwritten. */
function patched(bytes: Uint8Array, f: Field, value: bigint | number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  const view = new DataView(copy.buffer);
  if (f.size === 8) view.setBigUint64(f.at, BigInt(value), true);
  else view.setUint32(f.at, Number(value), true);
  return copy;
}

function field(bytes: Uint8Array, kind: Field['kind'], owner?: string): Field {
  const f = ggufFields(bytes).find((x) => x.kind === kind && (owner === undefined || x.owner === owner));
  assert.ok(f, `no ${kind} field for ${owner}`);
  return f;
}

test('the reader reads back every value type, tensor and offset the writer wrote', () => {
  const file = path.join(dir, 'every.gguf');
  writeEveryType(file);
  const g = readGguf(file);
  assert.equal(g.version, 3);
  assert.equal(g.alignment, 32);
  assert.equal(g.dataOffset % 32, 0);
  assert.equal(g.fileSize, fs.statSync(file).size);
  assert.deepEqual([...g.metadata.keys()], EVERY_TYPE.map(([k]) => k));
  for (const [key, typed] of EVERY_TYPE) {
    assert.deepEqual(g.metadata.get(key), EXPECTED_VALUES[key], key);
    assert.equal(g.metadataTypes.get(key), GGUF_VALUE_TYPE[typed.type], key);
  }
  const bytes = fs.readFileSync(file);
  assert.deepEqual(
    g.tensors.map((t) => [t.name, t.type, t.dims, t.bytes]),
    TENSORS.map((t) => [t.name, t.type, t.dims, t.data.length]),
  );
  for (const [i, t] of g.tensors.entries()) {
    assert.equal(t.offset % 32, 0, t.name);
    assert.deepEqual(bytes.subarray(t.offset, t.offset + t.bytes), Buffer.from(TENSORS[i]!.data), t.name);
  }
});

test('a general.alignment key moves tensor data to that alignment', () => {
  const file = path.join(dir, 'align64.gguf');
  writeEveryType(file, [['general.alignment', { type: 'u32', value: 64 }]]);
  const g = readGguf(file);
  assert.equal(g.alignment, 64);
  assert.equal(g.dataOffset % 64, 0);
  for (const t of g.tensors) assert.equal(t.offset % 64, 0);
});

test('opening a model reads its header only, never the tensor data', () => {
  const bytes = fs.readFileSync(writeSmallModel());
  let furthest = 0;
  const g = parseGguf(
    {
      size: bytes.length,
      read(target, position) {
        const n = bytes.copy(target, 0, position, Math.min(bytes.length, position + target.length));
        furthest = Math.max(furthest, position + n);
        return n;
      },
    },
    'small',
    4096,
  );
  assert.ok(g.dataOffset < bytes.length / 4);
  assert.ok(furthest <= g.dataOffset + 4096, `read up to byte ${furthest}, data starts at ${g.dataOffset}`);
});

test('a GGUF v2 file is read like v3', () => {
  const bytes = Uint8Array.from(fs.readFileSync(writeSmallModel()));
  new DataView(bytes.buffer).setUint32(4, 2, true);
  assert.equal(readGgufBuffer(bytes).version, 2);
});

test('a missing file, a folder and a file that is not GGUF get clear errors', () => {
  expectGgufError(() => readGguf(path.join(dir, 'nope.gguf')), 'IO', /nope\.gguf: the file does not exist/);
  expectGgufError(() => readGguf(dir), 'IO', /is a folder/);
  const empty = path.join(dir, 'empty.gguf');
  fs.writeFileSync(empty, '');
  expectGgufError(() => readGguf(empty), 'NOT_GGUF', /is not a GGUF model file \(it is only 0 bytes long\)/);
  const html = path.join(dir, 'page.gguf');
  fs.writeFileSync(html, '<!DOCTYPE html><html><body>Not found</body></html>');
  expectGgufError(() => readGguf(html), 'NOT_GGUF', /is a web page, not a GGUF model file \(a failed download\?\)/);
  const text = path.join(dir, 'notes.txt');
  fs.writeFileSync(text, 'just some text, nothing to see');
  expectGgufError(() => readGguf(text), 'NOT_GGUF', /does not start with "GGUF"/);
});

test('unsupported GGUF versions say which versions work', () => {
  const bytes = fs.readFileSync(writeSmallModel());
  const version = (v: number) => {
    const copy = Uint8Array.from(bytes);
    new DataView(copy.buffer).setUint32(4, v, true);
    return copy;
  };
  expectGgufError(() => readGgufBuffer(version(1)), 'UNSUPPORTED_VERSION', /version 1 is too old/);
  expectGgufError(() => readGgufBuffer(version(4)), 'UNSUPPORTED_VERSION', /version 4 is not supported \(this reader knows versions 2 and 3\)/);
  expectGgufError(() => readGgufBuffer(version(0x03000000)), 'UNSUPPORTED_VERSION', /big-endian/);
});

test('a file cut short in its tensor data is rejected with the byte counts', () => {
  const bytes = fs.readFileSync(writeSmallModel());
  const g = readGgufBuffer(bytes);
  const end = Math.max(...g.tensors.map((t) => t.offset + t.bytes));
  const cut = bytes.subarray(0, bytes.length - 1000);
  expectGgufError(() => readGgufBuffer(cut), 'TRUNCATED', new RegExp(`^the file is truncated: expected ${end} bytes, found ${cut.length}$`));
  const file = path.join(dir, 'cut.gguf');
  fs.writeFileSync(file, cut);
  expectGgufError(() => readGguf(file), 'TRUNCATED', /expected \d+ bytes, found \d+/);
});

test('a file cut short in its header is rejected as truncated', () => {
  const bytes = fs.readFileSync(writeSmallModel());
  for (const length of [6, 20, 100, 3000]) {
    expectGgufError(() => readGgufBuffer(bytes.subarray(0, length)), 'TRUNCATED', new RegExp(`found ${length}$`));
  }
});

test('an array claiming 2^60 elements fails fast without allocating', () => {
  const bytes = fs.readFileSync(writeSmallModel());
  const tokens = ggufFields(bytes).find((f) => f.kind === 'count' && f.owner === 'tokenizer.ggml.tokens')!;
  const start = performance.now();
  expectGgufError(() => readGgufBuffer(patched(bytes, tokens, 2n ** 60n)), 'CORRUPT', /length of array "tokenizer.ggml.tokens" at byte \d+ is an impossible 1152921504606846976/);
  expectGgufError(() => readGgufBuffer(patched(bytes, tokens, 2n ** 64n - 1n)), 'CORRUPT', /impossible/);
  assert.ok(performance.now() - start < 1000);
});

test('huge tensor and metadata counts and string lengths are rejected', () => {
  const bytes = fs.readFileSync(writeSmallModel());
  expectGgufError(() => readGgufBuffer(patched(bytes, field(bytes, 'count', 'tensor count'), 2n ** 62n)), 'CORRUPT', /the tensor count at byte 8 is an impossible/);
  expectGgufError(() => readGgufBuffer(patched(bytes, field(bytes, 'count', 'metadata count'), 2n ** 40n)), 'CORRUPT', /the metadata count/);
  expectGgufError(() => readGgufBuffer(patched(bytes, field(bytes, 'length', 'key'), 2n ** 50n)), 'CORRUPT', /a metadata key at byte 24 claims an impossible length/);
  expectGgufError(() => readGgufBuffer(patched(bytes, field(bytes, 'length', 'general.name'), 2n ** 33n)), 'CORRUPT', /the value of "general.name"/);
  // A length that would fit a header but runs past this file's end is truncation.
  expectGgufError(() => readGgufBuffer(patched(bytes, field(bytes, 'length', 'general.name'), 10_000_000)), 'TRUNCATED', /expected at least \d+ bytes/);
});

test('duplicate keys, unknown value types and bad booleans are rejected', () => {
  const file = path.join(dir, 'dup.gguf');
  writeGguf(file, { metadata: [['a', { type: 'u8', value: 1 }], ['a', { type: 'u8', value: 2 }]], tensors: [] });
  expectGgufError(() => readGguf(file), 'CORRUPT', /metadata key "a" appears twice/);

  const bytes = fs.readFileSync(writeSmallModel());
  const archType = ggufFields(bytes).find((f) => f.kind === 'value-type' && f.owner === 'general.architecture')!;
  expectGgufError(() => readGgufBuffer(patched(bytes, archType, 13)), 'CORRUPT', /"general.architecture" has an unknown value type 13/);
  const arrType = ggufFields(bytes).filter((f) => f.kind === 'value-type' && f.owner === 'tokenizer.ggml.scores')[1]!;
  expectGgufError(() => readGgufBuffer(patched(bytes, arrType, 77)), 'CORRUPT', /array of unknown value type 77/);

  const boolFile = path.join(dir, 'bool.gguf');
  writeGguf(boolFile, { metadata: [['flag', { type: 'bool', value: true }]], tensors: [] });
  const b = Uint8Array.from(fs.readFileSync(boolFile));
  b[24 + 8 + 4 + 4] = 2;
  expectGgufError(() => readGgufBuffer(b), 'CORRUPT', /boolean byte 2/);
});

test('arrays nested deeper than 8 levels are rejected instead of recursing', () => {
  let value: GgufTypedValue = { type: 'array', itemType: 'u8', items: [1] };
  for (let i = 0; i < 9; i++) value = { type: 'array', itemType: 'array', items: [value] };
  const file = path.join(dir, 'deep.gguf');
  writeGguf(file, { metadata: [['deep', value]], tensors: [] });
  expectGgufError(() => readGguf(file), 'CORRUPT', /nests arrays more than 8 deep/);
});

test('a bad general.alignment is rejected', () => {
  const file = path.join(dir, 'align.gguf');
  // The writer refuses a bad alignment, so write another key and rename it in the bytes.
  writeGguf(file, { metadata: [['general.alignmenX', { type: 'string', value: '32' }]], tensors: [] });
  const renamed = Uint8Array.from(fs.readFileSync(file));
  renamed[24 + 8 + 'general.alignmen'.length] = 't'.charCodeAt(0);
  expectGgufError(() => readGgufBuffer(renamed), 'CORRUPT', /general.alignment must be a u32 power of two up to 65536, not 32/);
  writeEveryType(file, [['general.alignment', { type: 'u32', value: 64 }]]);
  const aligned = fs.readFileSync(file);
  const valueAt = ggufFields(aligned).find((f) => f.kind === 'value-type' && f.owner === 'general.alignment')!.at + 4;
  const bad = Uint8Array.from(aligned);
  new DataView(bad.buffer).setUint32(valueAt, 48, true);
  expectGgufError(() => readGgufBuffer(bad), 'CORRUPT', /not 48/);
});

test('tensor offsets must be aligned, inside the file and not overlapping', () => {
  const bytes = fs.readFileSync(writeSmallModel());
  const offsets = ggufFields(bytes).filter((f) => f.kind === 'offset');
  expectGgufError(() => readGgufBuffer(patched(bytes, offsets[1]!, 48)), 'CORRUPT', /data offset 48, not a multiple of the alignment 32/);
  expectGgufError(() => readGgufBuffer(patched(bytes, offsets[2]!, 0)), 'CORRUPT', /tensors "token_embd.weight" and "blk.0.attn_q.weight" overlap/);
  expectGgufError(() => readGgufBuffer(patched(bytes, offsets[0]!, 2n ** 63n)), 'CORRUPT', /beyond any possible file size/);
  expectGgufError(() => readGgufBuffer(patched(bytes, offsets[3]!, 2n ** 30n)), 'TRUNCATED', /the file is truncated: expected \d+ bytes, found \d+/);
});

test('impossible tensor shapes and unknown tensor types are rejected', () => {
  const bytes = fs.readFileSync(writeSmallModel());
  const name = 'blk.0.attn_q.weight';
  expectGgufError(() => readGgufBuffer(patched(bytes, field(bytes, 'n-dims', name), 0)), 'BAD_TENSOR', /has 0 dimensions .* 1 to 4 are allowed/);
  expectGgufError(() => readGgufBuffer(patched(bytes, field(bytes, 'n-dims', name), 5)), 'BAD_TENSOR', /has 5 dimensions/);
  expectGgufError(() => readGgufBuffer(patched(bytes, field(bytes, 'dim', name), 0)), 'BAD_TENSOR', /impossible dimension 0/);
  expectGgufError(() => readGgufBuffer(patched(bytes, field(bytes, 'tensor-type', name), 99)), 'BAD_TENSOR', /tensor type 99 is not one this reader knows/);
  const odd = path.join(dir, 'odd.gguf');
  writeGguf(odd, { metadata: [], tensors: [filled('odd', GGML_TYPE.F32, [33], 132, 0)] });
  const oddBytes = fs.readFileSync(odd);
  expectGgufError(() => readGgufBuffer(patched(oddBytes, field(oddBytes, 'tensor-type'), GGML_TYPE.Q8_0)), 'BAD_TENSOR', /"odd": a Q8_0 tensor needs its first dimension to be a multiple of 32, not 33/);
  expectGgufError(() => readGgufBuffer(patched(bytes, field(bytes, 'dim', name), 2n ** 60n)), 'BAD_TENSOR', /impossible dimension/);
});

test('tensor sizes follow each type, with I2_S as packed codes plus a 32-byte tail', () => {
  const file = path.join(dir, 'sizes.gguf');
  const specs = [
    filled('i2s', GGML_TYPE.I2_S, [2560, 640], 409632, 0x55),
    filled('f16', GGML_TYPE.F16, [2560, 3], 2560 * 3 * 2, 0),
    filled('q6k', GGML_TYPE.Q6_K, [512, 3], 2 * 210 * 3, 0),
    filled('q80', GGML_TYPE.Q8_0, [96], 3 * 34, 0),
    filled('f32', GGML_TYPE.F32, [6912], 27648, 0),
  ];
  writeGguf(file, { metadata: [], tensors: specs });
  assert.deepEqual(readGguf(file).tensors.map((t) => t.bytes), [409632, 15360, 1260, 102, 27648]);
});

test('a named pipe is refused without blocking', () => {
  const fifo = path.join(dir, 'pipe.gguf');
  const made = spawnSync('mkfifo', [fifo]);
  if (made.status !== 0) return; // no mkfifo on this platform: nothing to check
  expectGgufError(() => readGguf(fifo), 'IO', /is not a regular file/);
});
