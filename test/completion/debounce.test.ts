import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debounceDelay, DEBOUNCE_MS, sleep } from '../../src/completion/debounce';

test('an explicit trigger does not wait', () => {
  assert.equal(debounceDelay({ prefix: 'ab', suffix: '' }, true), 0);
});

test('a pause at the end of a line waits less than one mid-word', () => {
  assert.equal(debounceDelay({ prefix: 'x = (', suffix: '\nmore' }, false), DEBOUNCE_MS.lineEnd);
  assert.equal(debounceDelay({ prefix: 'x = fo', suffix: '' }, false), DEBOUNCE_MS.midWord);
  assert.ok(DEBOUNCE_MS.lineEnd < DEBOUNCE_MS.midWord);
});

test('sleep stops early when cancelled', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const done = sleep(10_000, controller.signal);
  controller.abort();
  assert.equal(await done, false);
  assert.ok(Date.now() - started < 1000);
});
