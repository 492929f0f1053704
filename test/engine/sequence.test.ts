import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commonPrefixLength, fitPrompt } from '../../src/engine/sequence';

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
  // capacity 10, reserve 4 → room for 6 prompt tokens.
  assert.deepEqual(fitPrompt([100, 1, 2, 3, 4, 5, 6, 7, 8], 10, 4), [100, 4, 5, 6, 7, 8]);
});

test('a huge token budget still leaves half the context for the prompt', () => {
  assert.equal(fitPrompt(Array.from({ length: 100 }, (_, i) => i), 64, 1000).length, 32);
});
