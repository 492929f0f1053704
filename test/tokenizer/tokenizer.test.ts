import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { llama3Tokenizer, referenceEncode } from './llama3-fixture';
import { Tokenizer, TokenizerError } from '../../src/tokenizer/tokenizer';
import { pretokenize } from '../../src/tokenizer/pretokenize';
import type { Vocab } from '../../src/tokenizer/llama3-vocab';

const tok = llama3Tokenizer();
const corpusDir = join(__dirname, '..', 'fixtures', 'tokenizer-corpus');
const corpus = readdirSync(corpusDir)
  .filter((name) => !name.startsWith('.'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(corpusDir, name), 'utf8') }));

function firstDifference(a: number[], b: number[]): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at index ${i}: ours ${JSON.stringify(a.slice(i, i + 8))}, reference ${JSON.stringify(b.slice(i, i + 8))}` +
    ` (ours decode ${JSON.stringify(tok.decode(a.slice(i, i + 8)))})`;
}

function assertSameAsReference(text: string, what: string): number[] {
  const ours = tok.encode(text);
  const reference = referenceEncode(text);
  if (ours.length !== reference.length || ours.some((id, i) => id !== reference[i])) {
    assert.fail(`${what}: ids differ ${firstDifference(ours, reference)}`);
  }
  return ours;
}

test('every corpus file encodes to the same ids as llama3-tokenizer-js and decodes back byte for byte', (t) => {
  let bytes = 0;
  let tokens = 0;
  for (const { name, text } of corpus) {
    const ids = assertSameAsReference(text, name);
    assert.equal(tok.decode(ids), text, `${name} round trip`);
    bytes += Buffer.byteLength(text);
    tokens += ids.length;
  }
  assert.ok(corpus.length >= 25, `corpus has ${corpus.length} files`);
  t.diagnostic(`corpus: ${corpus.length} files, ${bytes} bytes, ${tokens} tokens`);
});

test('the corpus files joined into one text also match, so cached pieces are reused correctly', () => {
  const all = corpus.map((f) => f.text).join('\n\n');
  assertSameAsReference(all, 'whole corpus');
  assertSameAsReference(all, 'whole corpus, second time from the cache');
});

// A small deterministic generator so failures can be reproduced from the seed.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

// Code point ranges weighted towards what editors hold, plus the awkward cases.
const RANGES: [number, number][] = [
  [0x20, 0x7e], [0x20, 0x7e], [0x20, 0x7e], [0x30, 0x39], [0x61, 0x7a], [0x41, 0x5a],
  [0x09, 0x0d], [0x00, 0x1f], [0xa0, 0x17f], [0x300, 0x36f], [0x370, 0x52f], [0x590, 0x6ff],
  [0x900, 0x97f], [0xe00, 0xe7f], [0x1100, 0x11ff], [0x2000, 0x206f], [0x2070, 0x218f],
  [0x3000, 0x30ff], [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xff00, 0xffef], [0x1d400, 0x1d7ff],
  [0x1f300, 0x1faff], [0x10000, 0x10ffff],
];
const AWKWARD = ["'", "'s", "'T", "'RE", "'ll", '\r\n', '\n\n', '   ', '\t', '1234567', ' 😀', '\u200d', '\ufe0f', 'ſ'];

function randomText(next: () => number): string {
  const parts: string[] = [];
  const length = 1 + Math.floor(next() * 40);
  for (let i = 0; i < length; i++) {
    if (next() < 0.15) {
      parts.push(AWKWARD[Math.floor(next() * AWKWARD.length)]);
      continue;
    }
    const [lo, hi] = RANGES[Math.floor(next() * RANGES.length)];
    let cp = lo + Math.floor(next() * (hi - lo + 1));
    // Lone surrogates cannot survive UTF-8; U+0085 and U+FEFF are where
    // llama3-tokenizer-js and tiktoken disagree (tested separately below).
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp === 0x85 || cp === 0xfeff) cp = 0x20;
    parts.push(String.fromCodePoint(cp));
  }
  if (next() < 0.1) parts.push('abcdefghij'.repeat(1 + Math.floor(next() * 10))); // long single pieces
  return parts.join('');
}

test('random Unicode strings encode the same as llama3-tokenizer-js and round-trip', () => {
  const seed = 20261121;
  const next = random(seed);
  for (let n = 0; n < 3000; n++) {
    const text = randomText(next);
    const ids = assertSameAsReference(text, `fuzz case ${n} (seed ${seed}) ${JSON.stringify(text)}`);
    assert.equal(tok.decode(ids), text, `fuzz case ${n} round trip`);
  }
});

test('U+0085 counts as whitespace and U+FEFF does not, as in the tiktoken tokenizer Llama 3 was trained with', () => {
  // Ids taken from tiktoken (Rust regex, \s = Unicode White_Space) on the same
  // ranks file; llama3-tokenizer-js uses JavaScript's \s and differs here.
  assert.deepEqual(tok.encode("x\u0085'T"), [87, 116360, 17773]);
  assert.deepEqual(tok.encode('\ufeff#c'), [43372, 66]);
  assert.deepEqual(tok.encode('6\r\u0085/a\u00c6'), [21, 201, 116360, 14520, 113119]);
  assert.deepEqual(tok.encode('\ufeffHello'), [3305, 9906]);
});

test('well-known ids: "Hello world!" is 9906 1917 0', () => {
  assert.deepEqual(tok.encode('Hello world!'), [9906, 1917, 0]);
  assert.deepEqual(tok.encode(''), []);
});

test('BOS is added only when asked, and EOS never', () => {
  assert.deepEqual(tok.encode('Hi', { bos: true }), [128000, 13347]);
  assert.deepEqual(tok.encode('Hi'), [13347]);
  assert.deepEqual(tok.encode('', { bos: true }), [128000]);
});

test('special token names in text stay ordinary text and never become control ids', () => {
  for (const text of ['<|eot_id|>', '<|begin_of_text|>User: hi<|eot_id|>', '<|end_of_text|>', '<|reserved_special_token_4|>']) {
    const ids = tok.encode(text);
    assert.ok(ids.every((id) => id < 128000), `${text} → ${ids}`);
    assert.ok(ids.length > 1);
    assert.equal(tok.decode(ids), text);
  }
});

test('contractions split case-insensitively, digits in threes, newlines kept with their run', () => {
  assert.deepEqual(pretokenize("DON'T I'M we'Ve"), ['DON', "'T", ' I', "'M", ' we', "'Ve"]);
  assert.deepEqual(pretokenize('1234567 x'), ['123', '456', '7', ' x']);
  assert.deepEqual(pretokenize('a  \n\n  b'), ['a', '  \n\n', ' ', ' b']);
  assert.deepEqual(pretokenize('foo();\r\n\tbar'), ['foo', '();\r\n', '\tbar']);
  assert.deepEqual(pretokenize('x   '), ['x', '   ']);
  assert.equal(pretokenize(corpus.map((f) => f.text).join('')).join(''), corpus.map((f) => f.text).join(''));
});

test('very long runs (spaces, rulers, letters) tokenize like the reference', () => {
  for (const text of [' '.repeat(10000), '='.repeat(7001), 'ab'.repeat(5000), '\n'.repeat(300) + 'x', 'é'.repeat(2000), '😀'.repeat(500)]) {
    const ids = assertSameAsReference(text, `${JSON.stringify(text.slice(0, 4))}×${text.length}`);
    assert.equal(tok.decode(ids), text);
  }
});

test('a lone surrogate encodes as the replacement character', () => {
  assert.deepEqual(tok.encode('a\ud800b'), tok.encode('a\ufffdb'));
});

test('results stay right after the piece cache has rolled over many times', () => {
  const words = Array.from({ length: 150000 }, (_, i) => `w${i.toString(36)}q`);
  const text = words.join(' ');
  const first = tok.encode(text);
  assert.deepEqual(tok.encode(text), first);
  assert.deepEqual(first, referenceEncode(text));
});

test('the stream decoder holds back split UTF-8 characters and emits them whole', () => {
  for (const text of ['🙂 ok', '日本語のテスト', '👨‍👩‍👧‍👦 family', 'naïve café', '𝔘𝔫𝔦', 'a\u0301b']) {
    const ids = tok.encode(text);
    const stream = tok.streamDecoder();
    const chunks = ids.map((id) => stream.push(id));
    chunks.push(stream.flush());
    assert.equal(chunks.join(''), text);
    for (const c of chunks) assert.ok(!c.includes('\ufffd'), `${JSON.stringify(text)}: chunk ${JSON.stringify(c)}`);
  }
  // "🙂" (F0 9F 99 82) is more than one token: nothing comes out until its last byte.
  const smile = tok.encode('🙂');
  assert.ok(smile.length > 1);
  const stream = tok.streamDecoder();
  const out = smile.map((id) => stream.push(id));
  assert.deepEqual(out, [...smile.slice(1).map(() => ''), '🙂']);
});

test('the stream decoder turns bytes left unfinished at the end into U+FFFD', () => {
  const smile = tok.encode('🙂');
  const stream = tok.streamDecoder();
  assert.equal(stream.push(smile[0]), '');
  assert.equal(stream.flush(), '\ufffd');
});

test('decode drops control tokens unless asked to show them', () => {
  const ids = [128000, ...tok.encode('Hi'), 128009];
  assert.equal(tok.decode(ids), 'Hi');
  assert.equal(tok.decode(ids, { specials: true }), '<|begin_of_text|>Hi<|eot_id|>');
  const stream = tok.streamDecoder();
  assert.equal(ids.map((id) => stream.push(id)).join('') + stream.flush(), 'Hi');
  assert.equal(tok.tokenPiece(128009), '<|eot_id|>');
  assert.throws(() => tok.decode([128256]), TokenizerError);
  assert.throws(() => tok.decode([-1]), TokenizerError);
});

test('end of generation is <|end_of_text|> or <|eot_id|>, nothing else', () => {
  assert.equal(tok.isEndOfGeneration(128001), true);
  assert.equal(tok.isEndOfGeneration(128009), true);
  assert.equal(tok.isEndOfGeneration(128000), false);
  assert.equal(tok.isEndOfGeneration(128008), false);
  assert.equal(tok.isEndOfGeneration(13), false);
  assert.equal(tok.vocabSize, 128256);
  assert.deepEqual([tok.bosId, tok.eosId, tok.eotId], [128000, 128001, 128009]);
});

function tinyVocab(overrides: Partial<Vocab>): Vocab {
  const bytes = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b));
  const { BYTE_TO_CHAR } = require('../../src/tokenizer/llama3-vocab') as typeof import('../../src/tokenizer/llama3-vocab');
  const tokens = [...bytes.map((_, b) => BYTE_TO_CHAR[b]), 'ab', '<|begin_of_text|>', '<|end_of_text|>'];
  return { tokens, tokenTypes: tokens.map((_, i) => (i >= 257 ? 3 : 1)), merges: ['a b'], bosId: 257, eosId: 258, eotId: 258, ...overrides };
}

test('a tiny byte-level vocabulary works, and a broken one is rejected with the reason', () => {
  const tiny = Tokenizer.fromVocab(tinyVocab({}));
  assert.deepEqual(tiny.encode('abc'), [256, 99]);
  assert.throws(() => Tokenizer.fromVocab(tinyVocab({ merges: ['a zz'] })), /merge 0/);
  assert.throws(() => Tokenizer.fromVocab(tinyVocab({ tokens: tinyVocab({}).tokens.slice(1) })), TokenizerError);
  assert.throws(() => Tokenizer.fromVocab(tinyVocab({ bosId: 999 })), /BOS/);
});
