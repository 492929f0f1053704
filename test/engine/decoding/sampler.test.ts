import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sampler, argmax, createRng } from '../../../src/engine/decoding/sampler';

/** Logits whose softmax at temperature 1 is exactly `probs`. */
function logitsFor(probs: number[]): Float32Array {
  return Float32Array.from(probs, (p) => Math.log(p));
}

function randomLogits(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (rng() - 0.5) * 20);
}

/** How often each token is drawn in `n` samples. */
function histogram(sampler: Sampler, logits: Float32Array, n: number): number[] {
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < n; i++) counts[sampler.sample(logits)]++;
  return counts;
}

/** Pearson's chi-square statistic of observed counts against expected probabilities. */
function chiSquare(counts: number[], probs: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  return probs.reduce((sum, p, i) => (p > 0 ? sum + (counts[i] - n * p) ** 2 / (n * p) : sum), 0);
}

// Critical values at p = 0.001, so a correct sampler fails about once in a thousand
// seeds; the seeds are fixed, so the tests are deterministic.
const CHI2_CRITICAL = { 1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47 } as const;

test('temperature 0 always picks the most likely token', () => {
  const sampler = new Sampler({ temperature: 0, seed: 1 });
  for (let seed = 0; seed < 20; seed++) {
    const logits = randomLogits(1000, seed);
    assert.equal(sampler.sample(logits), argmax(logits));
  }
});

test('top-k 1 at a high temperature is the same as greedy', () => {
  const sampler = new Sampler({ temperature: 1.5, topK: 1, seed: 7 });
  for (let seed = 0; seed < 20; seed++) {
    const logits = randomLogits(128_256, seed);
    assert.equal(sampler.sample(logits), argmax(logits));
  }
});

test('the same seed gives the same tokens and another seed gives other tokens', () => {
  const logits = randomLogits(5000, 3).map((x) => x / 10);
  const run = (seed: number) => {
    const sampler = new Sampler({ temperature: 1, topK: 0, topP: 1, minP: 0, seed });
    return Array.from({ length: 50 }, () => sampler.sample(logits));
  };
  assert.deepEqual(run(42), run(42));
  assert.notDeepEqual(run(42), run(43));
});

test('at temperature 1 with no filters, tokens are drawn with their softmax probabilities', () => {
  const probs = [0.4, 0.3, 0.15, 0.1, 0.05];
  const sampler = new Sampler({ temperature: 1, topK: 0, topP: 1, minP: 0, seed: 2024 });
  const counts = histogram(sampler, logitsFor(probs), 20_000);
  assert.ok(chiSquare(counts, probs) < CHI2_CRITICAL[4], `counts ${counts}`);
});

test('temperature 0.5 sharpens the distribution to softmax(logits / 0.5)', () => {
  const probs = [0.4, 0.3, 0.2, 0.1];
  const squared = probs.map((p) => p * p);
  const total = squared.reduce((a, b) => a + b);
  const expected = squared.map((p) => p / total);
  const sampler = new Sampler({ temperature: 0.5, topK: 0, topP: 1, minP: 0, seed: 99 });
  const counts = histogram(sampler, logitsFor(probs), 20_000);
  assert.ok(chiSquare(counts, expected) < CHI2_CRITICAL[3], `counts ${counts}`);
});

test('top-k 2 only draws the two most likely tokens, in proportion', () => {
  const probs = [0.1, 0.45, 0.05, 0.3, 0.1];
  const sampler = new Sampler({ temperature: 1, topK: 2, topP: 1, minP: 0, seed: 5 });
  const counts = histogram(sampler, logitsFor(probs), 10_000);
  assert.equal(counts[0] + counts[2] + counts[4], 0);
  const expected = [0, 0.6, 0, 0.4, 0];
  assert.ok(chiSquare(counts, expected) < CHI2_CRITICAL[1], `counts ${counts}`);
});

test('top-p keeps the smallest set of likely tokens that reaches p', () => {
  const probs = [0.5, 0.3, 0.15, 0.05];
  const sampler = new Sampler({ temperature: 1, topK: 0, topP: 0.75, minP: 0, seed: 11 });
  const counts = histogram(sampler, logitsFor(probs), 10_000);
  assert.equal(counts[2] + counts[3], 0);
  assert.ok(chiSquare(counts, [0.625, 0.375, 0, 0]) < CHI2_CRITICAL[1], `counts ${counts}`);
});

test('min-p drops tokens far less likely than the best one', () => {
  const probs = [0.5, 0.3, 0.15, 0.05];
  const sampler = new Sampler({ temperature: 1, topK: 0, topP: 1, minP: 0.2, seed: 12 });
  const counts = histogram(sampler, logitsFor(probs), 10_000);
  assert.equal(counts[3], 0);
  assert.ok(chiSquare(counts, [0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0]) < CHI2_CRITICAL[2], `counts ${counts}`);
});

test('the repetition penalty steers greedy decoding away from recent tokens', () => {
  const logits = Float32Array.from([2.0, 1.9, -1, -3]);
  assert.equal(new Sampler({ temperature: 0 }).sample(logits, [0]), 0);
  assert.equal(new Sampler({ temperature: 0, repeatPenalty: 1.1 }).sample(logits, [5, 0]), 1);
  // A negative logit is made more negative, not less.
  const negative = Float32Array.from([-1.0, -1.05]);
  assert.equal(new Sampler({ temperature: 0, repeatPenalty: 1.1 }).sample(negative, [0]), 1);
  // The input logits are left as they were.
  assert.equal(logits[0], 2.0);
});

test('the presence penalty subtracts from every token seen in the window', () => {
  const logits = Float32Array.from([2.0, 1.5, 1.4]);
  assert.equal(new Sampler({ temperature: 0, presencePenalty: 0.55 }).sample(logits, [0, 0, 0]), 1);
  assert.equal(new Sampler({ temperature: 0, presencePenalty: 0.7 }).sample(logits, [0, 1]), 2);
});

test('penalties only look at the last 64 tokens', () => {
  const logits = Float32Array.from([2.0, 1.9]);
  const history = [0, ...new Array(64).fill(1)];
  assert.equal(new Sampler({ temperature: 0, presencePenalty: 1 }).sample(logits, history), 0);
});

test('sampling a 128k vocabulary with default filters picks from the likely head', () => {
  const logits = randomLogits(128_256, 8);
  const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]);
  const top40 = new Set(order.slice(0, 40));
  const sampler = new Sampler({ temperature: 1, seed: 3 });
  for (let i = 0; i < 200; i++) assert.ok(top40.has(sampler.sample(logits)));
});
