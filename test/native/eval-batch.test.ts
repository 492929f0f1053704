// model.evalBatch: one pass over the weights for several contexts (a
// server's slots), each with its own tokens, as the JS side sees it. The
// numbers themselves are held equal to single-context eval by
// native/test/batch_eval_test.cc; here, that the surface gives the same
// logits as eval and refuses misuse with clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NativeModel } from '../../native';
import { loadAddon } from '../../src/engine/addon/addon-loader';
import { readBitnetModel } from '../../src/model-file/bitnet-model';
import { tinyModelPath } from '../helpers/model-files';
import { extensionRoot } from '../helpers/tiny-engine';

const addon = loadAddon(extensionRoot);
const file = tinyModelPath();
const info = readBitnetModel(file);
const vocab = info.hparams.vocabSize;

function withModel<T>(fn: (model: NativeModel) => T): T {
  const model = addon.loadModel({ path: file, hparams: info.hparams, tensors: info.tensors, threads: 2 });
  try {
    return fn(model);
  } finally {
    model.free();
  }
}

function errorOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (err) {
    const e = err as Error & { code?: string };
    return { code: e.code, message: e.message };
  }
  assert.fail('expected an error');
}

test('decoding three contexts in one batch gives each the logits of decoding it alone', () => {
  withModel((model) => {
    const prompts = [[1, 2, 3], [400, 500, 600, 700, 800], [9000, 9001]];
    const batched = prompts.map((p) => {
      const c = model.createContext(32);
      c.eval(p);
      return c;
    });
    const alone = prompts.map((p) => {
      const c = model.createContext(32);
      c.eval(p);
      return c;
    });
    const tokens = [42, 4242, 100000];
    const got = Float32Array.from(model.evalBatch(batched, tokens));
    assert.equal(got.length, 3 * vocab);
    tokens.forEach((token, i) => {
      const want = alone[i]!.eval([token]);
      assert.deepEqual(got.subarray(i * vocab, (i + 1) * vocab), want, `row ${i}`);
      assert.equal(batched[i]!.length, prompts[i]!.length + 1);
    });
  });
});

test('a batch mixing decode steps and prompt chunks gives each context the logits of its own eval', () => {
  withModel((model) => {
    const a = model.createContext(64);
    const b = model.createContext(64);
    const c = model.createContext(64);
    const a2 = model.createContext(64);
    const b2 = model.createContext(64);
    const c2 = model.createContext(64);
    for (const ctx of [a, a2]) ctx.eval([5, 6, 7]);
    const tokens = [[900], [1, 2, 3, 4, 5, 6], new Int32Array([77, 78])];
    const got = Float32Array.from(model.evalBatch([a, b, c], tokens));
    [a2, b2, c2].forEach((ctx, i) => {
      const t = tokens[i]!;
      assert.deepEqual(got.subarray(i * vocab, (i + 1) * vocab), ctx.eval(Array.from(t)), `context ${i}`);
    });
    assert.deepEqual([a.length, b.length, c.length], [4, 6, 2]);
  });
});

test('a batch refuses a context twice, a freed context and a context of another model', () => {
  withModel((model) => {
    const a = model.createContext(8);
    const b = model.createContext(8);
    a.eval([1, 2]);
    assert.match(errorOf(() => model.evalBatch([a, a], [5, 6])).message, /appears twice/);
    assert.match(errorOf(() => model.evalBatch([a, b], [5])).message, /an entry per context/);
    assert.match(errorOf(() => model.evalBatch([a, b], [5, []])).message, /must take 1 to 8 tokens/);
    assert.match(errorOf(() => model.evalBatch([a, {} as never], [5, 6])).message, /not a NativeContext/);
    withModel((other) => {
      const foreign = other.createContext(8);
      assert.equal(errorOf(() => model.evalBatch([a, foreign], [5, 6])).code, 'FREED');
    });
    b.free();
    assert.equal(errorOf(() => model.evalBatch([a, b], [5, 6])).code, 'FREED');
    assert.equal(a.length, 2, 'refused batches leave the contexts as they were');
  });
});

test('a raised abort flag stops a batch before it changes any context', () => {
  withModel((model) => {
    const a = model.createContext(8);
    const b = model.createContext(8);
    const abort = new Int32Array(new SharedArrayBuffer(4));
    abort[0] = 1;
    assert.equal(errorOf(() => model.evalBatch([a, b], [1, 2], { abort })).code, 'ABORTED');
    assert.equal(a.length + b.length, 0);
  });
});
