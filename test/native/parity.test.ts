// The native engine against the plain TypeScript reference forward pass
// (test/reference/), on small models in the official layout. Both follow the
// rounding rules of docs/exactness.md, so they agree to a few f32 ulps (measured: at most
// 7e-7); what may differ is summation order inside f32 dot products. The
// bound of 1e-4 leaves room for that and is still a million times tighter
// than any real bug (a wrong activation, RoPE pairing or missing norm moves
// logits by tens; docs/exactness.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { NativeModel } from '../../native';
import { loadAddon } from '../../src/engine/addon/addon-loader';
import { readBitnetModel } from '../../src/model-file/bitnet-model';
import { ReferenceModel } from '../reference/reference-model';
import { tinyModelPath, writeSmallModel } from '../helpers/model-files';

const addon = loadAddon(path.resolve(__dirname, '../..'));

function nativeModel(file: string, threads = 1): NativeModel {
  const info = readBitnetModel(file);
  return addon.loadModel({ path: file, hparams: info.hparams, tensors: info.tensors, threads, lmHead: 'f16' });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

const models = [
  { name: 'the tiny model with the real vocabulary', file: () => tinyModelPath(1) },
  { name: 'a one-layer small-vocabulary model', file: () => writeSmallModel({ seed: 11 }) },
  {
    name: 'a three-layer model with 4 query heads per KV head',
    file: () =>
      writeSmallModel({
        seed: 12,
        shape: { embeddingLength: 256, feedForwardLength: 384, blockCount: 3, headCount: 8, headCountKv: 2, contextLength: 256 },
      }),
  },
];

for (const m of models) {
  test(`native logits match the reference forward pass on ${m.name}`, () => {
    const file = m.file();
    const reference = ReferenceModel.load(file);
    const model = nativeModel(file);
    const vocab = reference.hp.vocabSize;
    const tokens = [vocab > 1000 ? 128000 : 0, 5, 17, 99, 3, 42, 7, 250].map((t) => t % vocab);
    const ctx = model.createContext(64);
    const all = ctx.eval(tokens, { allLogits: true });
    const expected = reference.forward(tokens);
    for (let t = 0; t < tokens.length; t++) {
      const got = all.subarray(t * vocab, (t + 1) * vocab);
      const diff = maxAbsDiff(got, expected[t]);
      assert.ok(diff < 1e-4, `position ${t} differs by ${diff}`);
      assert.equal(argmax(got), argmax(expected[t]), `top-1 at position ${t}`);
    }
    ctx.free();
    model.free();
  });
}

test('greedy decoding of 32 tokens gives the same ids as the reference', () => {
  const file = writeSmallModel({ seed: 13 });
  const reference = ReferenceModel.load(file);
  const model = nativeModel(file, 2);
  const ctx = model.createContext(64);
  let nativeNext = argmax(ctx.eval([1, 2, 3]));
  let refNext = argmax(reference.forward([1, 2, 3])[2]);
  const nativeIds: number[] = [];
  const refIds: number[] = [];
  for (let i = 0; i < 32; i++) {
    nativeIds.push(nativeNext);
    refIds.push(refNext);
    nativeNext = argmax(ctx.eval([nativeNext]));
    refNext = argmax(reference.forward([refNext])[0]);
  }
  assert.deepEqual(nativeIds, refIds);
  ctx.free();
  model.free();
});

// Continued in a second multi-token call: single tokens take the extra F16
// roundings of docs/exactness.md, Single-token calls, which the reference leaves out.
test('a prompt spanning several blocks of the V cache, and a continuation of it, match the reference', () => {
  const file = models[2].file();
  const reference = ReferenceModel.load(file);
  const model = nativeModel(file, 2);
  const vocab = reference.hp.vocabSize;
  const prompt = Array.from({ length: 250 }, (_, i) => (i * 37 + 11) % vocab);
  const ctx = model.createContext(256);
  const all = ctx.eval(prompt, { allLogits: true });
  const expected = reference.forward(prompt);
  for (const t of [0, 127, 128, 129, 200, 249]) {
    const diff = maxAbsDiff(all.subarray(t * vocab, (t + 1) * vocab), expected[t]);
    assert.ok(diff < 1e-4, `prompt position ${t} differs by ${diff}`);
  }
  const more = [3, 5, 8];
  const got = ctx.eval(more, { allLogits: true });
  const want = reference.forward(more);
  for (let t = 0; t < more.length; t++) {
    const diff = maxAbsDiff(got.subarray(t * vocab, (t + 1) * vocab), want[t]);
    assert.ok(diff < 1e-4, `continuation position ${t} differs by ${diff}`);
  }
  ctx.free();
  model.free();
});
