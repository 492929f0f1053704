import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenIndex } from '../../src/tokenizer/token-index';

/** Packs byte strings the way the tokenizer keeps its tokens. */
function pack(tokens: number[][]): { start: Int32Array; pool: Uint8Array } {
  const start = new Int32Array(tokens.length + 1);
  tokens.forEach((t, id) => (start[id + 1] = start[id] + t.length));
  const pool = new Uint8Array(start[tokens.length]);
  tokens.forEach((t, id) => pool.set(t, start[id]));
  return { start, pool };
}

test('every indexed token is found by its bytes, and other bytes find nothing', () => {
  const tokens = Array.from({ length: 3000 }, (_, i) => [...Buffer.from(`tok${i}`)]);
  const { start, pool } = pack(tokens);
  const index = new TokenIndex(start, pool, () => true);
  tokens.forEach((t, id) => assert.equal(index.find(Uint8Array.from(t), t.length), id));
  assert.equal(index.find(Buffer.from('tok3000'), 7), undefined);
  assert.equal(index.find(Buffer.from('tok1'), 3), undefined, 'a prefix of a token is not that token');
});

test('a lookup reads only the first n bytes it is given', () => {
  const { start, pool } = pack([[1, 2], [1, 2, 3]]);
  const index = new TokenIndex(start, pool, () => true);
  assert.equal(index.find(Uint8Array.of(1, 2, 3), 2), 0);
});

test('bytes shared by two tokens find the lower id, and excluded tokens are never found', () => {
  const { start, pool } = pack([[7], [9, 9], [7], [5]]);
  const index = new TokenIndex(start, pool, (id) => id !== 3);
  assert.equal(index.find(Uint8Array.of(7), 1), 0);
  assert.equal(index.find(Uint8Array.of(5), 1), undefined);
});
