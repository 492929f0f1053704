import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_TOKENS_PER_SECOND, PIECE_MAX, PIECE_STEP, PIECE_TARGET_MS, PrefillMeter } from '../../../src/engine/worker/prefill-meter';

/** A meter that has seen this CPU read `pieces` pieces at `tokensPerSecond`. */
function measured(tokensPerSecond: number, pieces = 1, meter = new PrefillMeter()): PrefillMeter {
  for (let i = 0; i < pieces; i++) read(meter, tokensPerSecond);
  return meter;
}

/** Records the piece the meter asks for, read at `tokensPerSecond`. */
function read(meter: PrefillMeter, tokensPerSecond: number): void {
  const tokens = meter.pieceTokens();
  meter.record(tokens, (tokens * 1000) / tokensPerSecond);
}

test('before anything is measured, prompt pieces are short, as on a slow CPU', () => {
  const meter = new PrefillMeter();
  assert.equal(meter.tokensPerSecond, undefined);
  assert.equal(meter.pieceTokens(), PIECE_STEP);
  assert.equal(meter.secondsFor(INITIAL_TOKENS_PER_SECOND * 10), 10);
});

test('a piece of prompt takes about PIECE_TARGET_MS at the measured rate, in whole blocks of tokens', () => {
  for (const rate of [150, 400, 700, 1000]) {
    const piece = measured(rate).pieceTokens();
    const ms = (piece * 1000) / rate;
    assert.equal(piece % PIECE_STEP, 0, `${piece} tokens at ${rate} tok/s`);
    assert.ok(ms <= PIECE_TARGET_MS && ms > PIECE_TARGET_MS - (PIECE_STEP * 1000) / rate, `${piece} tokens take ${ms} ms at ${rate} tok/s`);
  }
});

test('on a slow CPU a piece is one block, short enough for a newer request to wait only a moment', () => {
  const meter = measured(20);
  assert.equal(meter.pieceTokens(), PIECE_STEP);
  assert.ok(meter.secondsFor(meter.pieceTokens()) <= 0.5, 'at 20 tok/s a piece still ends within half a second');
});

test('on a fast CPU pieces are capped, so one piece never holds the worker for long', () => {
  assert.equal(measured(50_000).pieceTokens(), PIECE_MAX);
  assert.equal(measured(1_000_000).pieceTokens(), PIECE_MAX);
});

test('a machine getting busy shrinks the pieces within a few pieces', () => {
  const meter = measured(1000, 20);
  const idle = meter.pieceTokens();
  assert.equal(idle, 120);
  for (let i = 0; i < 3; i++) read(meter, 100);
  assert.ok(meter.pieceTokens() <= idle / 2, `after 3 busy pieces: ${meter.pieceTokens()} tokens`);
  for (let i = 0; i < 7; i++) read(meter, 100);
  assert.equal(meter.pieceTokens(), measured(100).pieceTokens(), 'after 10 busy pieces, sized as if it had always been busy');
  assert.ok(meter.tokensPerSecond! < 130, `rate ${meter.tokensPerSecond}`);
});

test('one odd piece does not throw the rate off', () => {
  const meter = measured(400, 10);
  read(meter, 4000); // one piece that happened to run fast
  assert.ok(meter.tokensPerSecond! < 2000, `rate ${meter.tokensPerSecond}`);
});

test('calls of a few tokens, which measure call overhead, leave the rate alone', () => {
  const meter = measured(300);
  meter.record(2, 0.01);
  meter.record(PIECE_STEP - 1, 0.01);
  meter.record(64, 0);
  assert.equal(meter.tokensPerSecond, 300);
});

test('secondsFor says how long this CPU needs to read a prompt at the measured rate', () => {
  const meter = measured(250);
  assert.equal(meter.secondsFor(500), 2);
  assert.equal(meter.secondsFor(0), 0);
});
