import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generation } from '../../src/engine/generation';
import { CANCEL, type GenerateOptions, type GenerationStats } from '../../src/engine/protocol';
import { Sequence } from '../../src/engine/sequence';
import { sourceText, tinyEngine } from '../helpers/tiny-engine';

interface Outcome {
  /** Text as the sink received it, one entry per chunk. */
  chunks: string[];
  stats: GenerationStats;
}

/** Runs one generation to the end in this thread, stepping it like the scheduler does. */
function generate(seq: Sequence, text: string, options: GenerateOptions, abort = new Int32Array(new SharedArrayBuffer(4))): Outcome {
  const { tokenizer } = tinyEngine();
  const chunks: string[] = [];
  let stats: GenerationStats | undefined;
  const job = new Generation('completion', options, abort, () => ({ sequence: seq, tokenizer, prompt: tokenizer.encode(text, { bos: true }) }), {
    chunk: (t) => chunks.push(t),
    end: (s) => (stats = s),
    fail: (e) => assert.fail(`${e.code}: ${e.message}`),
  });
  while (!job.step());
  return { chunks, stats: stats! };
}

function freshSequence(capacity = 1024): Sequence {
  return new Sequence(tinyEngine().model.createContext(capacity));
}

const prompt = sourceText(8);

test('a stop string spanning two tokens ends the reply just before it', () => {
  const plain = generate(freshSequence(), prompt, { maxTokens: 24 });
  assert.equal(plain.stats.stopReason, 'length');
  // With no stop strings each chunk is one token's text: find two neighbours to straddle.
  const i = plain.chunks.findIndex((c, k) => k > 0 && c.length >= 2 && (plain.chunks[k + 1]?.length ?? 0) >= 2);
  assert.ok(i > 0, `no two neighbouring multi-character tokens in ${JSON.stringify(plain.chunks)}`);
  const stop = plain.chunks[i].slice(-2) + plain.chunks[i + 1].slice(0, 2);
  const full = plain.chunks.join('');
  const expected = full.slice(0, full.indexOf(stop));
  const stopped = generate(freshSequence(), prompt, { maxTokens: 24, stop: [stop] });
  assert.equal(stopped.chunks.join(''), expected);
  assert.equal(stopped.stats.stopReason, 'stop');
});

test('the same seed gives the same sampled reply; greedy ignores the seed', () => {
  const sampled = (seed: number) => generate(freshSequence(), prompt, { maxTokens: 16, temperature: 1, topK: 0, topP: 1, minP: 0, seed }).chunks.join('');
  assert.equal(sampled(5), sampled(5));
  assert.notEqual(sampled(5), sampled(6));
  const greedy = (seed: number) => generate(freshSequence(), prompt, { maxTokens: 16, seed }).chunks.join('');
  assert.equal(greedy(1), greedy(2));
});

test('a reply reusing the cached prompt is the same as one from an empty cache, and says how much it reused', () => {
  const seq = freshSequence();
  generate(seq, prompt, { maxTokens: 8 });
  const again = generate(seq, prompt + '\n', { maxTokens: 12 });
  const fresh = generate(freshSequence(), prompt + '\n', { maxTokens: 12 });
  assert.equal(again.chunks.join(''), fresh.chunks.join(''));
  assert.ok(again.stats.reusedTokens >= again.stats.promptTokens - 3, JSON.stringify(again.stats));
  assert.equal(fresh.stats.reusedTokens, 0);
});

test('a cancelled request ends as aborted without generating', () => {
  const abort = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(abort, 0, CANCEL);
  const out = generate(freshSequence(), prompt, { maxTokens: 8 }, abort);
  assert.deepEqual(out.chunks, []);
  assert.equal(out.stats.stopReason, 'aborted');
});

test('the token budget and a full context both end the reply as length', () => {
  assert.equal(generate(freshSequence(), prompt, { maxTokens: 3 }).stats.generatedTokens, 3);
  const small = generate(freshSequence(64), prompt, { maxTokens: 500 });
  assert.equal(small.stats.stopReason, 'length');
  assert.ok(small.stats.promptTokens <= 32, 'the prompt was cut to leave room for the reply');
});

test('a spent time budget ends the reply as time', () => {
  const out = generate(freshSequence(), prompt, { maxTokens: 100_000, timeBudgetMs: 0 });
  assert.equal(out.stats.stopReason, 'time');
});

test('an end-of-generation token ends the reply without showing it', () => {
  const { tokenizer } = tinyEngine();
  const firstTwo = generate(freshSequence(), prompt, { maxTokens: 2 }).chunks.join('');
  // Treat the greedy third token as the end token: the reply is the first two tokens' text.
  const chunks: string[] = [];
  let stats: GenerationStats | undefined;
  let seen = 0;
  const endAtThird = {
    streamDecoder: () => tokenizer.streamDecoder(),
    isEndOfGeneration: (id: number) => ++seen === 3 || tokenizer.isEndOfGeneration(id),
  };
  const job = new Generation('completion', { maxTokens: 6 }, new Int32Array(new SharedArrayBuffer(4)), () => ({ sequence: freshSequence(), tokenizer: endAtThird, prompt: tokenizer.encode(prompt, { bos: true }) }), {
    chunk: (t) => chunks.push(t),
    end: (s) => (stats = s),
    fail: (e) => assert.fail(e.message),
  });
  while (!job.step());
  assert.equal(stats!.stopReason, 'eos');
  assert.equal(stats!.generatedTokens, 2);
  assert.equal(chunks.join(''), firstTwo);
});
