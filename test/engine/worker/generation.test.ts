import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generation, type GenerationSetup, type GenerationTokenizer } from '../../../src/engine/worker/generation';
import { PrefillMeter } from '../../../src/engine/worker/prefill-meter';
import { PromptFill } from '../../../src/engine/worker/prompt-fill';
import { CANCEL, type GenerateOptions, type GenerationKind, type GenerationStats, type PromptProgress } from '../../../src/engine/protocol';
import { fitPrompt, Sequence } from '../../../src/engine/decoding/sequence';
import { sourceText, tinyEngine } from '../../helpers/tiny-engine';

interface Outcome {
  /** Text as the sink received it, one entry per chunk. */
  chunks: string[];
  stats: GenerationStats;
  /** Prompt progress as reported, one entry per prompt piece. */
  progress: PromptProgress[];
  /** Steps the job took in all. */
  steps: number;
}

/** The worker's setup for one request: the prompt fitted to the sequence, read piece by piece. */
function setupFor(seq: Sequence, text: string, maxTokens: number, tokenizer: GenerationTokenizer = tinyEngine().tokenizer, meter = new PrefillMeter()): () => GenerationSetup {
  return () => ({ fill: new PromptFill(seq, fitPrompt(tinyEngine().tokenizer.encode(text, { bos: true }), seq.capacity, maxTokens), meter), tokenizer });
}

/** A job and what its sink heard. */
function job(kind: GenerationKind, seq: Sequence, text: string, options: GenerateOptions, abort = new Int32Array(new SharedArrayBuffer(4)), tokenizer?: GenerationTokenizer) {
  const out: Omit<Outcome, 'stats'> & { stats?: GenerationStats; closed: boolean } = { chunks: [], progress: [], steps: 0, closed: false };
  const generation = new Generation(kind, options, abort, setupFor(seq, text, options.maxTokens, tokenizer), {
    progress: (p) => out.progress.push(p),
    chunk: (t) => out.chunks.push(t),
    end: (s) => (out.stats = s),
    fail: (e) => assert.fail(`${e.code}: ${e.message}`),
    close: () => (out.closed = true),
  });
  return { generation, out };
}

/** Runs one generation to the end in this thread, stepping it like the scheduler does. */
function generate(seq: Sequence, text: string, options: GenerateOptions, abort = new Int32Array(new SharedArrayBuffer(4))): Outcome {
  const { generation, out } = job('completion', seq, text, options, abort);
  while ((out.steps++, !generation.step()));
  return { ...out, stats: out.stats! };
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

test('a cancelled chat request ends as aborted without generating or reading further', () => {
  const abort = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(abort, 0, CANCEL);
  const seq = freshSequence();
  const { generation, out } = job('chat', seq, prompt, { maxTokens: 8 }, abort);
  assert.equal(generation.step(), true);
  assert.deepEqual(out.chunks, []);
  assert.equal(out.stats?.stopReason, 'aborted');
  assert.equal(seq.tokens.length, 0);
  assert.ok(out.closed);
});

test('a completion cancelled while reading its prompt ends its request at once and reads the rest in the background', () => {
  const abort = new Int32Array(new SharedArrayBuffer(4));
  const seq = freshSequence();
  const long = sourceText(40);
  const { generation, out } = job('completion', seq, long, { maxTokens: 8 }, abort);
  assert.equal(generation.step(), false); // one piece read
  const afterOnePiece = seq.tokens.length;
  assert.ok(afterOnePiece > 0);
  assert.equal(out.stats, undefined);
  Atomics.store(abort, 0, CANCEL);
  assert.equal(generation.step(), false);
  assert.equal((out.stats as GenerationStats | undefined)?.stopReason, 'aborted', 'the caller hears at once');
  assert.equal(generation.priority, 'background');
  while (!generation.step());
  const whole = tinyEngine().tokenizer.encode(long, { bos: true }).length;
  assert.equal(seq.tokens.length, whole, 'the whole prompt is in the cache for the next keystroke');
  assert.deepEqual(out.chunks, [], 'nothing was generated after the cancel');
  assert.ok(out.closed);
  // The next request at this place reuses it all but the last two tokens.
  const next = generate(seq, long + ' x', { maxTokens: 2 });
  assert.ok(next.stats.reusedTokens >= whole - 2, JSON.stringify(next.stats));
});

test('a long prompt is read in pieces, each reported, and the cache keeps every finished piece', () => {
  const out = generate(freshSequence(), sourceText(40), { maxTokens: 2 });
  assert.ok(out.progress.length >= 3, `pieces: ${out.progress.length}`);
  const done = out.progress.map((p) => p.done);
  assert.deepEqual(done, [...done].sort((a, b) => a - b));
  assert.equal(done[done.length - 1], out.stats.promptTokens);
});

test('the token budget and a full context both end the reply as length', () => {
  assert.equal(generate(freshSequence(), prompt, { maxTokens: 3 }).stats.generatedTokens, 3);
  const small = generate(freshSequence(64), prompt, { maxTokens: 500 });
  assert.equal(small.stats.stopReason, 'length');
  assert.ok(small.stats.promptTokens <= 32, 'the prompt was cut to leave room for the reply');
});

test('the time budget counts from the first generated token: reading the prompt never uses it up', () => {
  const out = generate(freshSequence(), sourceText(40), { maxTokens: 100_000, timeBudgetMs: 0 });
  assert.equal(out.stats.stopReason, 'time');
  assert.equal(out.stats.generatedTokens, 1, 'the first token always comes, however long the prompt took');
});

test('an end-of-generation token ends the reply without showing it', () => {
  const { tokenizer } = tinyEngine();
  const firstTwo = generate(freshSequence(), prompt, { maxTokens: 2 }).chunks.join('');
  // Treat the greedy third token as the end token: the reply is the first two tokens' text.
  let seen = 0;
  const endAtThird = {
    streamDecoder: () => tokenizer.streamDecoder(),
    isEndOfGeneration: (id: number) => ++seen === 3 || tokenizer.isEndOfGeneration(id),
  };
  const { generation, out } = job('completion', freshSequence(), prompt, { maxTokens: 6 }, undefined, endAtThird);
  while (!generation.step());
  assert.equal(out.stats!.stopReason, 'eos');
  assert.equal(out.stats!.generatedTokens, 2);
  assert.equal(out.chunks.join(''), firstTwo);
});
