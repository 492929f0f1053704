// model.decodeBatch: one decode step for several contexts (a server's
// slots), as the JS side sees it. The numbers themselves are held equal to
// single-context decoding by native/test/batch_decode_test.cc; here, that the
// surface gives the same logits as eval and refuses misuse with clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NativeModel } from '../../native';
import { loadAddon } from '../../src/engine/addon-loader';
import { readBitnetModel } from '../../src/engine/bitnet-model';
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
    const got = Float32Array.from(model.decodeBatch(batched, tokens));
    assert.equal(got.length, 3 * vocab);
    tokens.forEach((token, i) => {
      const want = alone[i]!.eval([token]);
      assert.deepEqual(got.subarray(i * vocab, (i + 1) * vocab), want, `row ${i}`);
      assert.equal(batched[i]!.length, prompts[i]!.length + 1);
    });
  });
});

test('a batch refuses a context twice, a freed context and a context of another model', () => {
  withModel((model) => {
    const a = model.createContext(8);
    const b = model.createContext(8);
    a.eval([1, 2]);
    assert.match(errorOf(() => model.decodeBatch([a, a], [5, 6])).message, /appears twice/);
    assert.match(errorOf(() => model.decodeBatch([a, b], [5])).message, /one token per context/);
    assert.match(errorOf(() => model.decodeBatch([a, {} as never], [5, 6])).message, /not a NativeContext/);
    withModel((other) => {
      const foreign = other.createContext(8);
      assert.equal(errorOf(() => model.decodeBatch([a, foreign], [5, 6])).code, 'FREED');
    });
    b.free();
    assert.equal(errorOf(() => model.decodeBatch([a, b], [5, 6])).code, 'FREED');
    assert.equal(a.length, 2, 'refused batches leave the contexts as they were');
  });
});

test('a raised abort flag stops a batch before it changes any context', () => {
  withModel((model) => {
    const a = model.createContext(8);
    const b = model.createContext(8);
    const abort = new Int32Array(new SharedArrayBuffer(4));
    abort[0] = 1;
    assert.equal(errorOf(() => model.decodeBatch([a, b], [1, 2], { abort })).code, 'ABORTED');
    assert.equal(a.length + b.length, 0);
  });
});
