// The native addon's JS surface on a real (tiny) GGUF: what a caller gets
// back, and that every misuse is a clear JS error instead of a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadOptions, NativeModel } from '../../native';
import { loadAddon } from '../../src/engine/addon/addon-loader';
import { readBitnetModel } from '../../src/model-file/bitnet-model';
import MODEL_LIMITS from '../../native/model-limits.json';
import { SMALL_SHAPE, tempDir, tinyModelPath, writeSmallModel } from '../helpers/model-files';

const root = path.resolve(__dirname, '../..');
const addon = loadAddon(root);
const file = tinyModelPath();
const info = readBitnetModel(file);
const vocab = info.hparams.vocabSize;

function options(overrides: Partial<LoadOptions> = {}): LoadOptions {
  return { path: file, hparams: info.hparams, tensors: info.tensors, threads: 2, ...overrides };
}

function withModel<T>(fn: (model: NativeModel) => T, overrides: Partial<LoadOptions> = {}): T {
  const model = addon.loadModel(options(overrides));
  try {
    return fn(model);
  } finally {
    model.free();
  }
}

function codeOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (err) {
    const e = err as Error & { code?: string };
    assert.ok(e instanceof Error, 'an Error object is thrown');
    return { code: e.code, message: e.message };
  }
  assert.fail('expected an error');
}

test('a loaded model reports its load time, weight bytes and bytes read per token', () => {
  withModel((model) => {
    const s = model.stats;
    assert.equal(s.lmHead, 'int8');
    assert.equal(s.threads, 2);
    assert.ok(s.loadMs >= 0);
    assert.ok(s.weightBytes > vocab * info.hparams.embeddingLength, 'the int8 head is counted');
    assert.ok(s.bytesPerToken >= s.weightBytes);
    assert.equal(typeof s.kernels, 'string');
  });
});

test('eval returns finite logits for the last token as a view that the next eval reuses', () => {
  withModel((model) => {
    const ctx = model.createContext(64);
    assert.equal(ctx.capacity, 64);
    assert.equal(ctx.length, 0);
    // F16 K and V for every layer and KV head; V is kept in blocks of 128 positions.
    const perPosition = info.hparams.blockCount * 2 * (info.hparams.embeddingLength / info.hparams.headCount) * info.hparams.headCountKv;
    assert.equal(ctx.kvBytes, (64 + 128) * perPosition);
    const first = ctx.eval([128000, 9906, 1917]);
    assert.equal(first.length, vocab);
    assert.ok(first.every(Number.isFinite));
    assert.equal(ctx.length, 3);
    const second = ctx.eval(new Int32Array([13]));
    assert.equal(second.buffer, first.buffer, 'no new buffer for a same-size result');
    assert.equal(ctx.length, 4);
    ctx.free();
  });
});

test('allLogits returns one row per token, and the last row equals the plain result', () => {
  withModel((model) => {
    const a = model.createContext(16);
    const b = model.createContext(16);
    const all = a.eval([128000, 40, 1093, 4447], { allLogits: true });
    assert.equal(all.length, 4 * vocab);
    const last = b.eval([128000, 40, 1093, 4447]);
    assert.deepEqual(all.slice(3 * vocab), last.slice());
  });
});

test('the exact F16 head and the int8 head pick nearly the same logits', () => {
  const tokens = [128000, 791, 4062, 14198, 39935];
  const exact = withModel((m) => m.createContext(8).eval(tokens).slice(), { lmHead: 'f16' });
  const fast = withModel((m) => m.createContext(8).eval(tokens).slice());
  let range = 0;
  let diff = 0;
  for (let i = 0; i < vocab; i++) {
    range = Math.max(range, Math.abs(exact[i]!));
    diff = Math.max(diff, Math.abs(exact[i]! - fast[i]!));
  }
  assert.ok(diff < 0.05 * range, `int8 head is off by ${diff} on a range of ${range}`);
});

test('the q4 head keeps less than the int8 head and gives the F16 head\'s logits for its 64 most likely tokens', () => {
  const tokens = [128000, 791, 4062, 14198, 39935, 35308, 927, 279];
  const all = { allLogits: true };
  const exact = withModel((m) => m.createContext(16).eval(tokens, all).slice(), { lmHead: 'f16' });
  const [screened, q4Bytes] = withModel((m) => [m.createContext(16).eval(tokens, all).slice(), m.stats.weightBytes] as const, { lmHead: 'q4' });
  const int8Bytes = withModel((m) => m.stats.weightBytes);
  assert.ok(q4Bytes < int8Bytes, `q4 keeps ${q4Bytes} bytes, int8 ${int8Bytes}`);
  for (let p = 0; p < tokens.length; p++) {
    const want = exact.subarray(p * vocab, (p + 1) * vocab);
    const got = screened.subarray(p * vocab, (p + 1) * vocab);
    const top = Array.from(got.keys()).sort((a, b) => got[b]! - got[a]! || a - b).slice(0, 64);
    const best = want.reduce((b, v, i) => (v > want[b]! ? i : b), 0);
    assert.equal(top[0], best, `the most likely token at position ${p}`);
    for (const id of top) assert.equal(got[id], want[id], `token ${id} at position ${p} has the F16 logit`);
  }
});

test('the 8-bit KV cache holds about half the bytes, says so in the stats, and picks nearly the same logits', () => {
  const tokens = [128000, 791, 4062, 14198, 39935, 12, 345, 6789];
  const run = (kvCache: 'f16' | 'i8') =>
    withModel(
      (m) => {
        const ctx = m.createContext(64);
        return { kvCache: m.stats.kvCache, kvBytes: ctx.kvBytes, logits: ctx.eval(tokens).slice() };
      },
      { kvCache },
    );
  const exact = run('f16');
  const small = run('i8');
  assert.equal(exact.kvCache, 'f16');
  assert.equal(small.kvCache, 'i8');
  // Per position and KV head row: head_dim int8 values and one f32 scale, for K and V.
  const { blockCount, headCountKv, embeddingLength, headCount } = info.hparams;
  const headDim = embeddingLength / headCount;
  assert.equal(small.kvBytes, blockCount * headCountKv * ((64 + 128) * headDim + 2 * 64 * 4));
  let spread = 0;
  let diff = 0;
  for (let i = 0; i < vocab; i++) {
    spread = Math.max(spread, Math.abs(exact.logits[i]!));
    diff = Math.max(diff, Math.abs(exact.logits[i]! - small.logits[i]!));
  }
  assert.ok(diff < 0.05 * spread, `the 8-bit KV cache is off by ${diff} on a range of ${spread}`);
});

test('huge pages change only memory placement, never the logits', () => {
  const tokens = [128000, 12, 345, 6789];
  const withHuge = withModel((m) => m.createContext(8).eval(tokens).slice());
  const without = withModel((m) => m.createContext(8).eval(tokens).slice(), { hugePages: false });
  assert.deepEqual(without, withHuge);
});

test('trim then eval gives the same logits as a fresh context', () => {
  withModel((model) => {
    const a = model.createContext(32);
    a.eval([128000, 1, 2, 3, 4, 5]);
    a.trim(3);
    assert.equal(a.length, 3);
    const resumed = a.eval([7, 8]).slice();
    const fresh = model.createContext(32).eval([128000, 1, 2, 7, 8]).slice();
    assert.deepEqual(resumed, fresh);
  });
});

test('a raised abort flag stops eval with code ABORTED and keeps the cache length', () => {
  withModel((model) => {
    const ctx = model.createContext(32);
    ctx.eval([128000, 5]);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(flag, 0, 1);
    const err = codeOf(() => ctx.eval([6, 7, 8], { abort: flag }));
    assert.equal(err.code, 'ABORTED');
    assert.equal(ctx.length, 2);
    Atomics.store(flag, 0, 0);
    assert.equal(ctx.eval([6], { abort: flag }).length, vocab);
    assert.equal(ctx.length, 3);
  });
});

test('eval beyond the capacity, bad token ids and wrong argument types are clear errors', () => {
  withModel((model) => {
    const ctx = model.createContext(4);
    assert.match(codeOf(() => ctx.eval([1, 2, 3, 4, 5])).message, /does not fit in the context capacity of 4/);
    assert.match(codeOf(() => ctx.eval([1, vocab])).message, /token id 128256 at index 1 is outside the vocabulary/);
    assert.match(codeOf(() => ctx.eval([1, -1])).message, /outside the vocabulary/);
    assert.match(codeOf(() => ctx.eval([1.5])).message, /tokens\[0\] must be an integer/);
    assert.match(codeOf(() => ctx.eval([])).message, /at least one token/);
    assert.match(codeOf(() => ctx.eval(new Float32Array([1]) as unknown as Int32Array)).message, /Int32Array or an array/);
    assert.match(codeOf(() => ctx.eval('hello' as unknown as number[])).message, /Int32Array or an array/);
    assert.match(codeOf(() => ctx.eval([1], { abort: [0] as unknown as Int32Array })).message, /options.abort must be an Int32Array/);
    assert.match(codeOf(() => ctx.eval([1], { allLogits: 1 as unknown as boolean })).message, /allLogits must be a boolean/);
    assert.equal(ctx.length, 0, 'failed calls change nothing');
    assert.match(codeOf(() => ctx.trim(1)).message, /must keep between 0 and 0 tokens/);
    assert.match(codeOf(() => ctx.trim(-1)).message, /trim\(n\): n must be an integer/);
    assert.match(codeOf(() => model.createContext(0)).message, /capacity must be an integer between 1/);
    assert.match(codeOf(() => model.createContext(info.hparams.contextLength + 1)).message, /context capacity must be between 1 and/);
    assert.match(codeOf(() => model.setThreads(1.5)).message, /threads must be an integer/);
  });
});

test('using a freed context or model throws instead of crashing', () => {
  const model = addon.loadModel(options());
  const ctx = model.createContext(8);
  const view = ctx.eval([1, 2]);
  ctx.free();
  assert.equal(codeOf(() => ctx.eval([3])).code, 'FREED');
  assert.equal(codeOf(() => ctx.length).code, 'FREED');
  assert.ok(Number.isFinite(view[0]!), 'a view handed out earlier stays readable');
  const other = model.createContext(8);
  model.free();
  assert.match(codeOf(() => other.eval([3])).message, /the model of this context was freed/);
  assert.equal(codeOf(() => model.createContext(4)).code, 'FREED');
  assert.equal(codeOf(() => model.stats).code, 'FREED');
  model.free();
});

test('options whose getters free the context or model mid-call give an error, not a crash', () => {
  const model = addon.loadModel(options());
  const ctx = model.createContext(8);
  const sneaky = { get allLogits() { ctx.free(); return false; } };
  assert.equal(codeOf(() => ctx.eval([1, 2], sneaky)).code, 'FREED');
  const other = model.createContext(8);
  const tokens = [1, 2];
  Object.defineProperty(tokens, 1, { get() { model.free(); return 2; } });
  assert.match(codeOf(() => other.eval(tokens)).message, /the model of this context was freed/);
});

test('loadModel rejects bad options with a message naming the field', () => {
  const load = (o: unknown) => codeOf(() => addon.loadModel(o as LoadOptions));
  assert.match(load(undefined).message, /options must be an object/);
  assert.match(load({ ...options(), path: 3 }).message, /options.path must be a string/);
  assert.match(load({ ...options(), hparams: { ...info.hparams, headCount: 'x' } }).message, /hparams.headCount must be a number/);
  assert.match(load({ ...options(), tensors: {} }).message, /options.tensors must be an array/);
  assert.match(load({ ...options(), tensors: [{ ...info.tensors[0], offset: -1 }] }).message, /offset must be an integer/);
  assert.match(load({ ...options(), lmHead: 'q2' }).message, /lmHead must be 'int8', 'f16' or 'q4'/);
  assert.match(load({ ...options(), kvCache: 'q4' }).message, /kvCache must be 'f16' or 'i8'/);
  assert.match(load({ ...options(), kernels: 'warp-drive' }).message, /kernels 'warp-drive' cannot run on this CPU/);
  assert.match(load({ ...options(), threads: 1000 }).message, /threads must be an integer between 0 and 256/);
  assert.match(load({ ...options(), hugePages: 'yes' }).message, /hugePages must be a boolean/);
});

test('a model that does not match its table is rejected with the reason', () => {
  const missing = codeOf(() => addon.loadModel(options({ tensors: info.tensors.filter((t) => t.name !== 'blk.1.ffn_up.weight') })));
  assert.equal(missing.code, 'BAD_MODEL');
  assert.match(missing.message, /blk\.1\.ffn_up\.weight: is missing/);
  const shape = codeOf(() => addon.loadModel(options({ hparams: { ...info.hparams, feedForwardLength: 384 } })));
  assert.match(shape.message, /has shape .* expected/);
  const odd = codeOf(() => addon.loadModel(options({ hparams: { ...info.hparams, headCount: 3 } })));
  assert.match(odd.message, /hyperparameters do not fit together/);

  const dir = tempDir();
  const truncated = path.join(dir, 'truncated.gguf');
  fs.writeFileSync(truncated, fs.readFileSync(file).subarray(0, Math.floor(fs.statSync(file).size / 2)));
  const cut = codeOf(() => addon.loadModel(options({ path: truncated })));
  assert.equal(cut.code, 'BAD_MODEL');
  assert.match(cut.message, /lies outside the file .* the file may be truncated/);
  assert.match(codeOf(() => addon.loadModel(options({ path: path.join(dir, 'nope.gguf') }))).message, /cannot open model file/);
});

/** A copy of the tiny model with `patch` applied to its bytes. */
function patchedModel(patch: (bytes: Buffer, tensor: (name: string) => (typeof info.tensors)[number]) => void): string {
  const bytes = fs.readFileSync(file);
  patch(bytes, (name) => info.tensors.find((t) => t.name === name)!);
  const out = path.join(tempDir(), 'patched.gguf');
  fs.writeFileSync(out, bytes);
  return out;
}

test('finite but huge ternary scales or norm weights are refused at load, naming the tensor', () => {
  const scales = patchedModel((bytes) => {
    for (const t of info.tensors.filter((t) => t.type === 36)) bytes.writeFloatLE(1e30, t.offset + (t.dims[0] * t.dims[1]) / 4);
  });
  const scale = codeOf(() => addon.loadModel(options({ path: scales })));
  assert.equal(scale.code, 'BAD_MODEL');
  assert.match(scale.message, /tensor blk\.0\.attn_q\.weight holds a scale of 1e\+30; a BitNet model's are of order 1/);
  const norms = patchedModel((bytes, tensor) => {
    const t = tensor('output_norm.weight');
    for (let i = 0; i < t.dims[0]; i++) bytes.writeFloatLE(3e38, t.offset + 4 * i);
  });
  assert.match(codeOf(() => addon.loadModel(options({ path: norms }))).message, /tensor output_norm\.weight holds a weight of 3e\+38/);
});

test('a model whose output is all one logit (an embedding zeroed, as by a hole in a download) is refused at load', () => {
  const zeroed = patchedModel((bytes, tensor) => {
    const t = tensor('token_embd.weight');
    bytes.fill(0, t.offset, t.offset + t.bytes);
  });
  for (const lmHead of ['int8', 'f16'] as const) {
    const e = codeOf(() => addon.loadModel(options({ path: zeroed, lmHead })));
    assert.equal(e.code, 'BAD_MODEL');
    assert.match(e.message, /the model gives the same logit \(0\) for every token/);
  }
});

test('the model check and the native loader accept the same context lengths (one list of limits)', () => {
  const [, max] = MODEL_LIMITS.contextLength;
  const withContext = (contextLength: number) => writeSmallModel({ shape: { ...SMALL_SHAPE, contextLength } });
  const file = withContext(max);
  const largest = readBitnetModel(file);
  assert.equal(largest.hparams.contextLength, max);
  addon.loadModel({ path: file, hparams: largest.hparams, tensors: largest.tensors, threads: 1 }).free();

  assert.throws(() => readBitnetModel(withContext(max + 1)), new RegExp(`context_length is ${max + 1}; expected an integer from 1 to ${max}`));
  const native = codeOf(() => addon.loadModel({ path: file, hparams: { ...largest.hparams, contextLength: max + 1 }, tensors: largest.tensors }));
  assert.equal(native.code, 'BAD_MODEL');
  assert.match(native.message, new RegExp(`contextLength = ${max + 1}.* is outside \\[1, ${max}\\]`));
});
