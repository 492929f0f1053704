import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NativeContext } from '../../../native';
import { PIECE_STEP, PrefillMeter } from '../../../src/engine/worker/prefill-meter';
import { pieceLength, PromptFill } from '../../../src/engine/worker/prompt-fill';
import { Sequence } from '../../../src/engine/decoding/sequence';
import { sourceText, tinyEngine } from '../../helpers/tiny-engine';

/** A real context on the tiny model that also notes how many tokens each eval call was given. */
function recordingContext(calls: number[], capacity = 2048): NativeContext {
  const ctx = tinyEngine().model.createContext(capacity);
  return {
    get capacity() {
      return ctx.capacity;
    },
    get length() {
      return ctx.length;
    },
    get kvBytes() {
      return ctx.kvBytes;
    },
    eval: (tokens, options) => {
      calls.push(tokens.length);
      return ctx.eval(tokens, options);
    },
    trim: (n) => ctx.trim(n),
    free: () => ctx.free(),
  };
}

/** A meter that asks for pieces of one block, as on a slow CPU, whatever the pieces really take. */
function slowMeter(): PrefillMeter {
  const meter = new PrefillMeter();
  meter.record = () => {};
  return meter;
}

function promptTokens(lines: number): number[] {
  return tinyEngine().tokenizer.encode(sourceText(lines), { bos: true });
}

/** Reads `prompt` into `seq` to the end; the last position's logits, copied. */
function readAll(fill: PromptFill): Float32Array {
  for (;;) {
    const logits = fill.step();
    if (logits) return logits.slice();
  }
}

test('a piece never leaves a single token behind', () => {
  for (const piece of [8, 16, 48, 128]) {
    for (let remaining = 1; remaining <= 3 * piece; remaining++) {
      const n = pieceLength(remaining, piece);
      assert.ok(n >= 1 && n <= piece + 1, `${n} of ${remaining} with pieces of ${piece}`);
      assert.notEqual(remaining - n, 1, `${remaining} remaining, pieces of ${piece}`);
    }
  }
});

test('reading a prompt never makes a one-token call, whatever its length', () => {
  const all = promptTokens(20);
  for (const length of [2, 3, PIECE_STEP + 1, PIECE_STEP + 2, 2 * PIECE_STEP + 1, 3 * PIECE_STEP + 1, 130]) {
    const calls: number[] = [];
    const fill = new PromptFill(new Sequence(recordingContext(calls)), all.slice(0, length), slowMeter());
    readAll(fill);
    assert.equal(calls.reduce((a, b) => a + b, 0), length);
    assert.ok(calls.every((n) => n >= 2), `${length} tokens read as ${calls.join(' + ')}`);
  }
});

test('a prompt read piece by piece gives bit-identical logits to one read in a single call', () => {
  const { model } = tinyEngine();
  const all = promptTokens(30);
  for (const length of [2, 17, 129, 200, all.length]) {
    const prompt = all.slice(0, length);
    const whole = new Sequence(model.createContext(2048));
    const expected = whole.eval(prompt).slice();
    const calls: number[] = [];
    const pieces = new Sequence(recordingContext(calls));
    const logits = readAll(new PromptFill(pieces, prompt, slowMeter()));
    if (length > 2 * PIECE_STEP) assert.ok(calls.length > 1, 'the prompt was read in pieces');
    assert.deepEqual(logits, expected, `${length} tokens read as ${calls.join(' + ')}`);
    // The pieces the real meter asks for (longer as it measures this CPU) give the same logits too.
    const measured = new Sequence(model.createContext(2048));
    assert.deepEqual(readAll(new PromptFill(measured, prompt, new PrefillMeter())), expected);
    whole.free();
    pieces.free();
    measured.free();
  }
});

test('each finished piece stays in the cache, and a prompt read again later reuses it', () => {
  const { model } = tinyEngine();
  const prompt = promptTokens(30);
  const seq = new Sequence(model.createContext(2048));
  const meter = slowMeter();
  const first = new PromptFill(seq, prompt, meter);
  let last = 0;
  for (let i = 0; i < 5; i++) {
    assert.equal(first.step(), undefined);
    assert.ok(first.done > last, 'every piece moves on');
    last = first.done;
    assert.deepEqual([...seq.tokens], prompt.slice(0, first.done));
  }
  // The request is dropped here; the next keystroke comes with one more token.
  const next = [...prompt, 13];
  const again = new PromptFill(seq, next, meter);
  assert.equal(again.reused, first.done);
  assert.equal(again.done, first.done);
  const fresh = new Sequence(model.createContext(2048));
  assert.deepEqual(readAll(again), fresh.eval(next).slice(), 'and what it reused gives the same logits');
  seq.free();
  fresh.free();
});

test('the prompt says how much of it is read, and how long reading took', () => {
  const prompt = promptTokens(10);
  const seq = new Sequence(tinyEngine().model.createContext(2048));
  const fill = new PromptFill(seq, prompt, new PrefillMeter());
  assert.equal(fill.total, prompt.length);
  assert.equal(fill.done, 0);
  assert.equal(fill.finished, false);
  readAll(fill);
  assert.equal(fill.done, prompt.length);
  assert.equal(fill.finished, true);
  assert.ok(fill.ms > 0);
  seq.free();
});

test('reading a prompt teaches the meter how fast this CPU reads', () => {
  const meter = new PrefillMeter();
  const seq = new Sequence(tinyEngine().model.createContext(2048));
  readAll(new PromptFill(seq, promptTokens(20), meter));
  assert.ok(meter.tokensPerSecond !== undefined && meter.tokensPerSecond > 0);
  assert.ok(meter.pieceTokens() > PIECE_STEP, 'the tiny model reads fast, so pieces grew');
  seq.free();
});
