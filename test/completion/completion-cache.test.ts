import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionCache, type CacheKey } from '../../src/completion/completion-cache';

const at = (prefix: string, lineAfter = '', path = 'src/a.ts', languageId = 'typescript'): CacheKey => ({ path, languageId, prefix, lineAfter });

test('the same prefix gets the same suggestion back', () => {
  const cache = new CompletionCache();
  cache.set(at('const x = '), 'compute(1);');
  assert.equal(cache.get(at('const x = ')), 'compute(1);');
});

test('typing the start of a suggestion leaves the rest as a hit', () => {
  const cache = new CompletionCache();
  cache.set(at('const x = '), 'compute(1);');
  assert.equal(cache.get(at('const x = comp')), 'ute(1);');
});

test('typing something else is a miss', () => {
  const cache = new CompletionCache();
  cache.set(at('const x = '), 'compute(1);');
  assert.equal(cache.get(at('const x = z')), undefined);
});

test('typing the whole suggestion is a miss, not an empty suggestion', () => {
  const cache = new CompletionCache();
  cache.set(at('a'), 'bc');
  assert.equal(cache.get(at('abc')), undefined);
});

test('different text right of the cursor is a different entry', () => {
  const cache = new CompletionCache();
  cache.set(at('f(', ')'), 'x');
  assert.equal(cache.get(at('f(', '')), undefined);
});

test('another file with the same text before the cursor does not get this file\'s suggestion', () => {
  const cache = new CompletionCache();
  cache.set(at('# Copyright 2026\n', '', 'a.ts', 'typescript'), 'import x;');
  assert.equal(cache.get(at('# Copyright 2026\n', '', 'b.py', 'python')), undefined);
  assert.equal(cache.get(at('# Copyright 2026\n', '', 'b.ts', 'typescript')), undefined);
});

test('the oldest entries are evicted beyond capacity', () => {
  const cache = new CompletionCache(2);
  cache.set(at('a'), '1');
  cache.set(at('b'), '2');
  cache.set(at('c'), '3');
  assert.equal(cache.get(at('a')), undefined);
  assert.equal(cache.get(at('c')), '3');
});
