import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseWindow, type WindowCandidate } from '../../../src/engine/worker/completion-window';
import { PrefillMeter } from '../../../src/engine/worker/prefill-meter';
import { COLD_PROMPT_SECONDS } from '../../../src/engine/protocol';

/** A CPU that reads prompts at `tokensPerSecond`. */
function cpu(tokensPerSecond: number): PrefillMeter {
  const meter = new PrefillMeter();
  meter.record(100, (100 * 1000) / tokensPerSecond);
  return meter;
}

/** A prompt of `length` tokens of which the cache already holds `cached`. */
function prompt(length: number, cached = 0): WindowCandidate {
  return { tokens: Array.from({ length }, (_, i) => i), cached };
}

test('the full window is read when the cache lacks at most about a second of reading', () => {
  const meter = cpu(100);
  assert.equal(chooseWindow(prompt(700, 610), prompt(100), meter), 'full', '90 tokens missing: 0.9 s');
  assert.equal(chooseWindow(prompt(700, 700 - 100 * COLD_PROMPT_SECONDS), prompt(100), meter), 'full', 'exactly a second');
});

test('the cold window is read when the full one would take this CPU more than a second', () => {
  const meter = cpu(100);
  assert.equal(chooseWindow(prompt(700, 599), prompt(100), meter), 'cold', '101 tokens missing');
  assert.equal(chooseWindow(prompt(700), prompt(100), meter), 'cold', 'nothing cached: 7 s');
  assert.equal(chooseWindow(prompt(700), prompt(100, 98), meter), 'cold', 'the cold window is cached already');
});

test('the same prompt is read full on a fast CPU and cold on a slow one', () => {
  assert.equal(chooseWindow(prompt(700), prompt(100), cpu(2000)), 'full');
  assert.equal(chooseWindow(prompt(700), prompt(100), cpu(300)), 'cold');
});

test('before the rate is measured, a long uncached prompt is read cold, as on a slow CPU', () => {
  assert.equal(chooseWindow(prompt(700), prompt(60), new PrefillMeter()), 'cold');
  assert.equal(chooseWindow(prompt(50), prompt(40), new PrefillMeter()), 'full');
});

test('the full window is read when the cold one would not be quicker', () => {
  const meter = cpu(100);
  assert.equal(chooseWindow(prompt(700, 500), prompt(200), meter), 'full', 'both lack 200 tokens');
  assert.equal(chooseWindow(prompt(700, 550), prompt(300), meter), 'full', 'the cold one lacks more');
});

test('without a cold window the full one is read, however slow', () => {
  assert.equal(chooseWindow(prompt(2000), undefined, cpu(20)), 'full');
});
