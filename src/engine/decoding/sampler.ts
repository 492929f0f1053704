// Picks the next token from a logits vector. Runs in the worker on every
// decoded token, so it avoids touching the whole vocabulary more than a couple
// of times and allocates nothing per token beyond its candidate list.
//
// Order: repetition and presence penalties → temperature → top-k → top-p →
// min-p → draw. Temperature 0 (the default), or top-k 1, is greedy.

export interface SamplingOptions {
  /** 0 is greedy. */
  temperature?: number;
  /** Keep the k most likely tokens; 0 keeps all. Default 40. */
  topK?: number;
  /** Keep the most likely tokens whose probabilities add up to p. Default 0.95. */
  topP?: number;
  /** Drop tokens less likely than minP × the most likely one. Default 0.05. */
  minP?: number;
  /** > 1 makes tokens seen in the last `penaltyWindow` tokens less likely. Default 1 (off). */
  repeatPenalty?: number;
  /** Subtracted from the logit of every token seen in the window. Default 0. */
  presencePenalty?: number;
  /** Same seed, same logits, same choices. Default: a random seed. */
  seed?: number;
}

export const SAMPLING_DEFAULTS = { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1, presencePenalty: 0 };

/** How many of the latest tokens the penalties look at. */
export const PENALTY_WINDOW = 64;

/** Tokens whose probability is below e^-40 of the best one are never drawn: their
 *  total mass over a 128k vocabulary is under 1e-12, far below float rounding. */
const NEGLIGIBLE_LOGIT_GAP = 40;

/** A small, fast, seedable PRNG (mulberry32): uniform floats in [0, 1). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > bestValue) {
      bestValue = values[i];
      best = i;
    }
  }
  return best;
}

export class Sampler {
  private readonly temperature: number;
  private readonly topK: number;
  private readonly topP: number;
  private readonly minP: number;
  private readonly repeatPenalty: number;
  private readonly presencePenalty: number;
  private readonly random: () => number;
  private scratch = new Float32Array(0);

  constructor(options: SamplingOptions = {}) {
    const o = { ...SAMPLING_DEFAULTS, ...stripUndefined(options) };
    this.temperature = Math.max(0, o.temperature);
    this.topK = Math.max(0, Math.floor(o.topK));
    this.topP = Math.min(1, Math.max(0, o.topP));
    this.minP = Math.min(1, Math.max(0, o.minP));
    this.repeatPenalty = o.repeatPenalty > 0 ? o.repeatPenalty : 1;
    this.presencePenalty = o.presencePenalty;
    this.random = createRng(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /** The next token. `history` is the sequence so far (prompt and generated);
   *  only its last PENALTY_WINDOW tokens count. `logits` is not modified. */
  sample(logits: Float32Array, history: ArrayLike<number> = []): number {
    const scores = this.penalized(logits, history);
    if (this.temperature === 0 || this.topK === 1) return argmax(scores);
    return this.draw(scores, this.candidates(scores));
  }

  /** The logits with penalties applied: the input itself when there are none. */
  private penalized(logits: Float32Array, history: ArrayLike<number>): Float32Array {
    if ((this.repeatPenalty === 1 && this.presencePenalty === 0) || history.length === 0) return logits;
    if (this.scratch.length !== logits.length) this.scratch = new Float32Array(logits.length);
    const scores = this.scratch;
    scores.set(logits);
    const seen = new Set<number>();
    for (let i = Math.max(0, history.length - PENALTY_WINDOW); i < history.length; i++) {
      const token = history[i];
      if (seen.has(token) || token < 0 || token >= scores.length) continue;
      seen.add(token);
      // Dividing a positive logit and multiplying a negative one both make it less likely.
      const v = scores[token];
      scores[token] = (v > 0 ? v / this.repeatPenalty : v * this.repeatPenalty) - this.presencePenalty;
    }
    return scores;
  }

  /** The tokens that survive top-k (and, to keep the sort short, min-p), most
   *  likely first, with the total unnormalized probability top-p measures against. */
  private candidates(scores: Float32Array): { picked: number[]; total: number } {
    const t = this.temperature;
    const best = scores[argmax(scores)];
    const negligible = best - NEGLIGIBLE_LOGIT_GAP * t;
    let picked: number[];
    let total = 0;
    if (this.topK > 0 && this.topK < scores.length) {
      picked = topKIndices(scores, this.topK, negligible);
      for (const i of picked) total += Math.exp((scores[i] - best) / t);
    } else {
      // min-p drops everything under this floor whatever top-p does, so
      // only these need sorting; top-p still measures against the full mass.
      const minPFloor = this.minP > 0 ? best + t * Math.log(this.minP) : -Infinity;
      const floor = Math.max(negligible, minPFloor);
      picked = [];
      for (let i = 0; i < scores.length; i++) {
        const v = scores[i];
        if (v < negligible) continue;
        total += Math.exp((v - best) / t);
        if (v >= floor) picked.push(i);
      }
    }
    picked.sort((a, b) => scores[b] - scores[a] || a - b);
    return { picked, total };
  }

  /** Softmax at the temperature, then top-p, min-p and a draw. */
  private draw(scores: Float32Array, { picked, total }: { picked: number[]; total: number }): number {
    const t = this.temperature;
    const top = scores[picked[0]];
    const probs = picked.map((i) => Math.exp((scores[i] - top) / t));
    // top-p: the shortest head whose mass reaches topP (at least one token).
    let keep = 0;
    let mass = 0;
    while (keep < probs.length && (keep === 0 || mass < this.topP * total)) mass += probs[keep++];
    // min-p: relative to the best token, whose unnormalized probability is 1.
    while (keep > 1 && probs[keep - 1] < this.minP) mass -= probs[--keep];
    let r = this.random() * mass;
    for (let i = 0; i < keep; i++) {
      r -= probs[i];
      if (r < 0) return picked[i];
    }
    return picked[keep - 1];
  }
}

/** The k highest-scoring indices at or above `floor`, in no particular order.
 *  A min-heap of (value, index) keeps the k best seen; most tokens fail the
 *  first comparison with its smallest value, so this is one fast pass. */
function topKIndices(scores: Float32Array, k: number, floor: number): number[] {
  const values = new Float32Array(k);
  const ids = new Int32Array(k);
  let size = 0;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (v < floor) continue;
    if (size < k) {
      // Sift up.
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (values[p] <= v) break;
        values[c] = values[p];
        ids[c] = ids[p];
        c = p;
      }
      values[c] = v;
      ids[c] = i;
    } else if (v > values[0]) {
      // Replace the smallest and sift down. Ties keep the earlier (lower) index.
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= k) break;
        const r = l + 1;
        const m = r < k && values[r] < values[l] ? r : l;
        if (values[m] >= v) break;
        values[c] = values[m];
        ids[c] = ids[m];
        c = m;
      }
      values[c] = v;
      ids[c] = i;
    }
  }
  return Array.from(ids.subarray(0, size));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
