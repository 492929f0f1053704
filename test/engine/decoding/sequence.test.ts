import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIT_BLOCK, Sequence, commonPrefixLength, fitPrompt } from '../../../src/engine/decoding/sequence';
import { sourceText, tinyEngine } from '../../helpers/tiny-engine';

test('the common prefix of two token arrays stops at the first different token', () => {
  assert.equal(commonPrefixLength([1, 2, 3, 4], [1, 2, 9, 4]), 2);
  assert.equal(commonPrefixLength([1, 2], [1, 2, 3]), 2);
  assert.equal(commonPrefixLength([], [1]), 0);
  assert.equal(commonPrefixLength(Int32Array.from([5, 6]), [5, 6]), 2);
});

test('a prompt that fits is kept whole', () => {
  assert.deepEqual(fitPrompt([0, 1, 2, 3], 16, 4), [0, 1, 2, 3]);
});

test('a prompt too long for the context loses its oldest tokens but keeps BOS', () => {
  // capacity 10, reserve 4 → room for 6 prompt tokens; at least half of it is kept.
  assert.deepEqual(fitPrompt([100, 1, 2, 3, 4, 5, 6, 7, 8], 10, 4), [100, 6, 7, 8]);
  const long = Array.from({ length: 3000 }, (_, i) => i);
  const fitted = fitPrompt(long, 2048, 64);
  assert.equal(fitted[0], 0);
  assert.ok(fitted.length <= 2048 - 64 && fitted.length >= 1984 - FIT_BLOCK, `${fitted.length}`);
  assert.deepEqual(fitted.slice(-3), [2997, 2998, 2999]);
});

test('while an over-long prompt grows at the end, the cut stays put so the cache still matches', () => {
  const grow = (n: number) => fitPrompt(Array.from({ length: n }, (_, i) => i), 2048, 64);
  const a = grow(2100);
  const b = grow(2101);
  assert.equal(commonPrefixLength(a, b), a.length);
});

test('a huge token budget still leaves the prompt at least a quarter of the context', () => {
  const fitted = fitPrompt(Array.from({ length: 100 }, (_, i) => i), 64, 1000);
  assert.ok(fitted.length > 16 && fitted.length <= 32, `${fitted.length}`);
});

// ---- With the real engine and the tiny model ------------------------------

function freshLogits(prompt: number[]): Float32Array {
  const seq = new Sequence(tinyEngine().model.createContext(2048));
  try {
    return seq.eval(prompt).slice();
  } finally {
    seq.free();
  }
}

/** Greedy decode of `n` tokens after whatever the sequence holds (one token per call). */
function decode(seq: Sequence, logits: Float32Array, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < logits.length; j++) if (logits[j] > logits[best]) best = j;
    out.push(best);
    logits = seq.eval([best]);
  }
  return out;
}

test('typing one character after a long cached prompt evaluates a handful of tokens and gives bit-identical logits', () => {
  const { model, tokenizer } = tinyEngine();
  const text = sourceText(60);
  const before = tokenizer.encode(text, { bos: true });
  const after = tokenizer.encode(text + 'x', { bos: true });
  const seq = new Sequence(model.createContext(2048));
  seq.reuse(before);
  decode(seq, seq.eval(before).slice(), 5); // a completion was shown after it
  const reused = seq.reuse(after);
  assert.ok(after.length - reused <= 4, `${after.length - reused} tokens evaluated again`);
  const warm = seq.eval(after.slice(reused)).slice();
  assert.deepEqual(warm, freshLogits(after));
  seq.free();
});

test('an exact sequence does not reuse tokens that were decoded one at a time', () => {
  const { model, tokenizer } = tinyEngine();
  const prompt = tokenizer.encode(sourceText(5), { bos: true });
  const seq = new Sequence(model.createContext(2048));
  const generated = decode(seq, seq.eval(prompt).slice(), 6);
  const next = [...prompt, ...generated, ...tokenizer.encode(' more')];
  assert.equal(seq.reuse(next), prompt.length);
  assert.deepEqual(seq.eval(next.slice(prompt.length)).slice(), freshLogits(next));
  seq.free();
});

test('a sequence that reuses decoded tokens keeps the whole reply', () => {
  const { model, tokenizer } = tinyEngine();
  const prompt = tokenizer.encode(sourceText(5), { bos: true });
  const seq = new Sequence(model.createContext(2048), { reuseDecoded: true });
  const generated = decode(seq, seq.eval(prompt).slice(), 6);
  const next = [...prompt, ...generated, ...tokenizer.encode(' more and more')];
  assert.equal(seq.reuse(next), prompt.length + generated.length);
  seq.free();
});

test('after a failed eval the sequence holds exactly what the engine kept', () => {
  const { model, tokenizer } = tinyEngine();
  const seq = new Sequence(model.createContext(64));
  const prompt = tokenizer.encode(sourceText(2), { bos: true });
  seq.eval(prompt);
  assert.throws(() => seq.eval(new Array(100).fill(1)), /capacity|fit/);
  assert.deepEqual([...seq.tokens], prompt);
  assert.throws(() => seq.eval([1, 10_000_000]), /vocabulary/);
  assert.deepEqual([...seq.tokens], prompt);
  seq.free();
});
