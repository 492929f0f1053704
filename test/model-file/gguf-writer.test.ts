import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GGML_TYPE } from '../../src/model-file/ggml-types';
import { readGguf } from '../../src/model-file/gguf-reader';
import { writeGguf } from '../../src/model-file/gguf-writer';
import { tempDir } from '../helpers/model-files';

const dir = tempDir();

test('tensor data streamed in many small chunks lands at aligned offsets, padded with zeros', () => {
  const file = path.join(dir, 'chunks.gguf');
  const written = writeGguf(file, {
    metadata: [['general.architecture', { type: 'string', value: 'x' }]],
    tensors: [
      { name: 'a', type: GGML_TYPE.F32, dims: [3], write: (sink) => [1, 2, 3].forEach((v) => sink(new Uint8Array(new Float32Array([v]).buffer))) },
      { name: 'b', type: GGML_TYPE.F16, dims: [7], write: (sink) => { for (let i = 0; i < 14; i++) sink(Uint8Array.of(i + 1)); } },
    ],
  });
  const g = readGguf(file);
  const bytes = fs.readFileSync(file);
  assert.equal(written.bytes, bytes.length);
  assert.equal(written.dataOffset, g.dataOffset);
  const [a, b] = g.tensors;
  assert.deepEqual([...new Float32Array(bytes.buffer.slice(bytes.byteOffset + a!.offset, bytes.byteOffset + a!.offset + 12))], [1, 2, 3]);
  assert.equal(b!.offset, a!.offset + 32);
  assert.deepEqual([...bytes.subarray(b!.offset, b!.offset + 14)], Array.from({ length: 14 }, (_, i) => i + 1));
  assert.deepEqual([...bytes.subarray(a!.offset + 12, b!.offset)], new Array(20).fill(0));
  assert.equal(bytes.length % 32, 0);
});

test('a tensor that writes the wrong number of bytes fails and leaves no file behind', () => {
  const file = path.join(dir, 'short.gguf');
  assert.throws(
    () => writeGguf(file, { metadata: [], tensors: [{ name: 'a', type: GGML_TYPE.F32, dims: [4], write: (sink) => sink(new Uint8Array(12)) }] }),
    /tensor a: wrote 12 bytes, expected 16/,
  );
  assert.throws(
    () => writeGguf(file, { metadata: [], tensors: [{ name: 'a', type: GGML_TYPE.F32, dims: [1], write: (sink) => sink(new Uint8Array(8)) }] }),
    /more data than its 4 bytes/,
  );
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('short')), []);
});

test('values that do not fit their declared type are refused', () => {
  const file = path.join(dir, 'range.gguf');
  assert.throws(() => writeGguf(file, { metadata: [['k', { type: 'u8', value: 256 }]], tensors: [] }), /256 does not fit a u8/);
  assert.throws(() => writeGguf(file, { metadata: [['k', { type: 'i32', value: 1.5 }]], tensors: [] }), /does not fit a i32/);
  assert.throws(() => writeGguf(file, { metadata: [['k', { type: 'array', itemType: 'u64', items: [1] }]], tensors: [] }), /expected a bigint/);
});
