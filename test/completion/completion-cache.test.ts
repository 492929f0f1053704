import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionCache } from '../../src/completion/completion-cache';

test('the same prefix gets the same suggestion back', () => {
  const cache = new CompletionCache();
  cache.set('const x = ', '', 'compute(1);');
  assert.equal(cache.get('const x = ', ''), 'compute(1);');
});

test('typing the start of a suggestion leaves the rest as a hit', () => {
  const cache = new CompletionCache();
  cache.set('const x = ', '', 'compute(1);');
  assert.equal(cache.get('const x = comp', ''), 'ute(1);');
});

test('typing something else is a miss', () => {
  const cache = new CompletionCache();
  cache.set('const x = ', '', 'compute(1);');
  assert.equal(cache.get('const x = z', ''), undefined);
});

test('typing the whole suggestion is a miss, not an empty suggestion', () => {
  const cache = new CompletionCache();
  cache.set('a', '', 'bc');
  assert.equal(cache.get('abc', ''), undefined);
});

test('different text right of the cursor is a different entry', () => {
  const cache = new CompletionCache();
  cache.set('f(', ')', 'x');
  assert.equal(cache.get('f(', ''), undefined);
});

test('the oldest entries are evicted beyond capacity', () => {
  const cache = new CompletionCache(2);
  cache.set('a', '', '1');
  cache.set('b', '', '2');
  cache.set('c', '', '3');
  assert.equal(cache.get('a', ''), undefined);
  assert.equal(cache.get('c', ''), '3');
});
