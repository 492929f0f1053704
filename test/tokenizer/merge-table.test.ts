import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MergeTable } from '../../src/tokenizer/merge-table';

test('every added pair is found with its rank and result, and absent pairs are not', () => {
  const table = new MergeTable(5000);
  for (let i = 0; i < 5000; i++) table.add(i % 97, Math.floor(i / 97), i, 100000 + i);
  for (let i = 0; i < 5000; i++) {
    const slot = table.find(i % 97, Math.floor(i / 97));
    assert.ok(slot >= 0);
    assert.equal(table.rank[slot], i);
    assert.equal(table.result[slot], 100000 + i);
  }
  assert.equal(table.find(97, 0), -1);
  assert.equal(table.find(0, 5000), -1);
});

test('a pair listed twice keeps its first, better rank', () => {
  const table = new MergeTable(2);
  table.add(1, 2, 0, 10);
  table.add(1, 2, 1, 11);
  assert.equal(table.rank[table.find(1, 2)], 0);
  assert.equal(table.result[table.find(1, 2)], 10);
});
