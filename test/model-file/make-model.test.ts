import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bitnetTensorShapes } from '../../src/model-file/bitnet-tensors';
import { ggmlTensorBytes } from '../../src/model-file/ggml-types';
import { readGguf } from '../../src/model-file/gguf-reader';
import { unpackI2S } from '../../src/model-file/i2s';
import { MODEL_SHAPES, writeBitnetModel } from '../../src/model-file/make-model';
import { smallModelOptions, tempDir, tinyModelPath } from '../helpers/model-files';

const dir = tempDir();

function sha(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

test('the same seed writes a byte-identical model and another seed a different one', () => {
  const a = path.join(dir, 'a.gguf');
  const b = path.join(dir, 'b.gguf');
  const c = path.join(dir, 'c.gguf');
  writeBitnetModel(a, smallModelOptions({ seed: 42 }));
  writeBitnetModel(b, smallModelOptions({ seed: 42 }));
  writeBitnetModel(c, smallModelOptions({ seed: 43 }));
  assert.equal(sha(a), sha(b));
  assert.notEqual(sha(a), sha(c));
});

test('the 2B4T shape has the official 332 tensors, type counts and data size', () => {
  const tensors = bitnetTensorShapes(MODEL_SHAPES['2b4t'], 128256);
  assert.equal(tensors.length, 332);
  const count = (type: number) => tensors.filter((t) => t.type === type).length;
  assert.deepEqual([count(0), count(1), count(36)], [121, 1, 210]);
  const bytes = tensors.reduce((sum, t) => sum + Number(ggmlTensorBytes(t.type, t.dims.map(BigInt))), 0);
  assert.equal(bytes, 1_179_449_920);
  const q = tensors.find((t) => t.name === 'blk.29.attn_q.weight')!;
  assert.equal(ggmlTensorBytes(q.type, q.dims.map(BigInt)), 1_638_432n);
  assert.deepEqual(tensors.find((t) => t.name === 'blk.0.ffn_down.weight')!.dims, [6912, 2560]);
});

test('ternary tensors hold only codes 0-2, a plausible scale and a zeroed tail', () => {
  const file = tinyModelPath();
  const g = readGguf(file);
  const fd = fs.openSync(file, 'r');
  try {
    const seen = new Set<number>();
    for (const t of g.tensors.filter((x) => x.type === 36)) {
      const data = Buffer.alloc(t.bytes);
      fs.readSync(fd, data, 0, t.bytes, t.offset);
      const count = t.dims[0]! * t.dims[1]!;
      for (let i = 0; i < count / 4; i++) {
        for (let s = 0; s < 8; s += 2) {
          const code = (data[i]! >> s) & 3;
          assert.notEqual(code, 3, `${t.name} byte ${i}`);
          seen.add(code);
        }
      }
      const { scale } = unpackI2S(data, count);
      assert.ok(scale >= 0.75 && scale <= 4.5, `${t.name} scale ${scale}`);
      assert.deepEqual([...data.subarray(count / 4 + 4)], new Array(28).fill(0), t.name);
    }
    assert.deepEqual([...seen].sort(), [0, 1, 2]);
  } finally {
    fs.closeSync(fd);
  }
});

test('norm weights are positive and near 1, embeddings small and finite', () => {
  const file = tinyModelPath();
  const g = readGguf(file);
  const bytes = fs.readFileSync(file);
  const norm = g.tensors.find((t) => t.name === 'output_norm.weight')!;
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + norm.offset, bytes.byteOffset + norm.offset + norm.bytes));
  for (const v of values) assert.ok(v >= 0.8 && v <= 1.2, String(v));
  const embd = g.tensors.find((t) => t.name === 'token_embd.weight')!;
  for (let i = 0; i < 1000; i++) {
    const h = bytes.readUInt16LE(embd.offset + i * 2);
    const exponent = (h >> 10) & 31;
    assert.ok(exponent >= 8 && exponent <= 11, `f16 ${h.toString(16)}`);
  }
});

test('the writer refuses shapes the I2_S layout cannot hold', () => {
  const shape = { ...MODEL_SHAPES.tiny, feedForwardLength: 200 };
  assert.throws(() => writeBitnetModel(path.join(dir, 'bad.gguf'), smallModelOptions({ shape })), /multiples of 128/);
  assert.ok(!fs.existsSync(path.join(dir, 'bad.gguf')));
});
