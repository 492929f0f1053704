import { test } from 'node:test';
import assert from 'node:assert/strict';
import llama3Reference from 'llama3-tokenizer-js';
import { BYTE_TO_CHAR, TOKEN_TYPE_CONTROL, TOKEN_TYPE_NORMAL, VocabFormatError, vocabFromTiktoken } from '../../src/tokenizer/llama3-vocab';
import { readTokenizerData } from '../../src/tokenizer/tokenizer-data';

const vocab = vocabFromTiktoken(readTokenizerData());

test('the Llama 3 vocabulary has 128256 tokens and the 280147 merges of the official GGUF', () => {
  assert.equal(vocab.tokens.length, 128256);
  assert.equal(vocab.tokenTypes.length, 128256);
  assert.equal(vocab.merges.length, 280147);
  assert.deepEqual(vocab.tokens.slice(0, 3), ['!', '"', '#']);
  assert.deepEqual(vocab.merges.slice(0, 5), ['Ġ Ġ', 'Ġ ĠĠĠ', 'ĠĠ ĠĠ', 'ĠĠĠ Ġ', 'i n']);
});

test('token strings and merge order agree with the independent llama3-tokenizer-js data', () => {
  for (let id = 0; id < 128000; id++) {
    if (vocab.tokens[id] !== llama3Reference.vocabById[id]) assert.fail(`token ${id}: ${vocab.tokens[id]} vs ${llama3Reference.vocabById[id]}`);
  }
  const referenceMerges = [...llama3Reference.merges.entries()].sort((a, b) => a[1] - b[1]).map(([pair]) => pair);
  assert.equal(referenceMerges.length, vocab.merges.length);
  for (let i = 0; i < referenceMerges.length; i++) {
    if (vocab.merges[i] !== referenceMerges[i]) assert.fail(`merge ${i}: ${vocab.merges[i]} vs ${referenceMerges[i]}`);
  }
});

test('every merge joins two tokens into a token', () => {
  const ids = new Map(vocab.tokens.map((t, id) => [t, id]));
  for (const merge of vocab.merges) {
    const [left, right, ...rest] = merge.split(' ');
    assert.equal(rest.length, 0, merge);
    assert.ok(ids.has(left) && ids.has(right) && ids.has(left + right), merge);
  }
});

test('the 256 special tokens carry their Llama 3 names and the CONTROL type', () => {
  assert.equal(vocab.bosId, 128000);
  assert.equal(vocab.eosId, 128001);
  assert.equal(vocab.eotId, 128009);
  const expect: Record<number, string> = {
    128000: '<|begin_of_text|>',
    128001: '<|end_of_text|>',
    128002: '<|reserved_special_token_0|>',
    128005: '<|reserved_special_token_3|>',
    128006: '<|start_header_id|>',
    128007: '<|end_header_id|>',
    128008: '<|reserved_special_token_4|>',
    128009: '<|eot_id|>',
    128010: '<|reserved_special_token_5|>',
    128255: '<|reserved_special_token_250|>',
  };
  for (const [id, name] of Object.entries(expect)) assert.equal(vocab.tokens[Number(id)], name);
  assert.ok(vocab.tokenTypes.slice(0, 128000).every((t) => t === TOKEN_TYPE_NORMAL));
  assert.ok(vocab.tokenTypes.slice(128000).every((t) => t === TOKEN_TYPE_CONTROL));
  assert.equal(new Set(vocab.tokens).size, vocab.tokens.length);
});

test('the byte alphabet is GPT-2 bytes-to-unicode: printable bytes map to themselves', () => {
  assert.equal(BYTE_TO_CHAR[0x41], 'A');
  assert.equal(BYTE_TO_CHAR[0x20], 'Ġ');
  assert.equal(BYTE_TO_CHAR[0x0a], 'Ċ');
  assert.equal(BYTE_TO_CHAR[0x09], 'ĉ');
  assert.equal(new Set(BYTE_TO_CHAR).size, 256);
});

test('the same ranks text is converted once and then served from the cache', () => {
  assert.equal(vocabFromTiktoken(readTokenizerData()), vocab);
});

test('a malformed ranks file is rejected with the line that is wrong', () => {
  assert.throws(() => vocabFromTiktoken('IQ== 0\nIg== 5\n'), (e: Error) => e instanceof VocabFormatError && /line 2/.test(e.message));
  assert.throws(() => vocabFromTiktoken('I*== 0\n'), (e: Error) => e instanceof VocabFormatError && /line 1/.test(e.message));
  assert.throws(() => vocabFromTiktoken('IQ== 0\n'), VocabFormatError);
  const dup = Array.from({ length: 256 }, (_, b) => `${Buffer.from([b]).toString('base64')} ${b}`).join('\n') + '\nIQ== 256\n';
  assert.throws(() => vocabFromTiktoken(dup), /twice/);
});
