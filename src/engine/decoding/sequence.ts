// One sequence: a native context (its own KV cache) and the tokens in it.
// A new prompt keeps the longest common token prefix of the cache and only
// the rest is evaluated. Token arrays are compared, not text: BPE may split
// the end of a prompt differently once a character is typed after it.
//
// Exactness: like the reference, the engine rounds more when a call
// evaluates a single token (docs/exactness.md, Single-token calls), so a token decoded on its own leaves
// slightly different K/V than the same token inside a prompt. An exact
// sequence reuses only the leading tokens that were evaluated in multi-token
// calls, and always evaluates at least two prompt tokens, so a reused prefix
// gives bit-identical logits to a fresh evaluation. A sequence that also
// reuses decoded tokens (as llama-cli's conversation mode does) skips
// re-evaluating the last reply at the cost of that last-bit equality.
import type { NativeContext } from '../../../native';

export interface SequenceOptions {
  /** Also reuse tokens that were decoded one at a time. Default false (exact). */
  reuseDecoded?: boolean;
}

/** Length of the longest common prefix of two token arrays. */
export function commonPrefixLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export class Sequence {
  /** The tokens in the KV cache, position by position. */
  private cached: number[] = [];
  /** How many leading cached tokens were evaluated in multi-token calls only. */
  private batchedLength = 0;
  private readonly reuseDecoded: boolean;

  constructor(
    private readonly ctx: NativeContext,
    options: SequenceOptions = {},
  ) {
    this.reuseDecoded = options.reuseDecoded ?? false;
  }

  get tokens(): readonly number[] {
    return this.cached;
  }

  get capacity(): number {
    return this.ctx.capacity;
  }

  get kvBytes(): number {
    return this.ctx.kvBytes;
  }

  /**
   * Trims the cache to the part of `prompt` it already holds, leaving at
   * least the last two prompt tokens to evaluate (the last one's logits are
   * needed, and a one-token call would round differently). Returns how many
   * tokens were kept.
   */
  reuse(prompt: readonly number[]): number {
    this.trim(this.reusableLength(prompt));
    return this.cached.length;
  }

  /** How many tokens of `prompt` reuse() would keep, without changing anything. */
  reusableLength(prompt: readonly number[]): number {
    let keep = commonPrefixLength(this.cached, prompt);
    if (!this.reuseDecoded) keep = Math.min(keep, this.batchedLength);
    return Math.min(keep, Math.max(0, prompt.length - 2));
  }

  /** Forgets the last cached token and returns it, so it can be evaluated
   *  again together with the next one (no one-token prompt calls). */
  popLast(): number | undefined {
    const last = this.cached[this.cached.length - 1];
    if (last !== undefined) this.trim(this.cached.length - 1);
    return last;
  }

  /**
   * Evaluates `tokens` after the cached ones and returns the last position's
   * logits (a view valid until the next eval). If the native eval throws, for
   * an abort or anything else, the cache is left holding exactly the tokens
   * the engine says it finished, so the sequence stays in a known state.
   */
  eval(tokens: readonly number[], abort?: Int32Array): Float32Array {
    const before = this.cached.length;
    try {
      const logits = this.ctx.eval(tokens as number[], abort ? { abort } : undefined);
      this.append(tokens, tokens.length);
      return logits;
    } catch (err) {
      this.append(tokens, Math.max(0, Math.min(tokens.length, this.ctx.length - before)));
      if (this.ctx.length !== this.cached.length) this.trim(Math.min(this.ctx.length, this.cached.length));
      throw err;
    }
  }

  trim(n: number): void {
    this.ctx.trim(n);
    this.cached.length = Math.min(this.cached.length, n);
    this.batchedLength = Math.min(this.batchedLength, n);
  }

  private append(tokens: readonly number[], done: number): void {
    const exactSoFar = this.batchedLength === this.cached.length;
    for (let i = 0; i < done; i++) this.cached.push(tokens[i]);
    if (exactSoFar && tokens.length > 1) this.batchedLength = this.cached.length;
  }

  free(): void {
    this.cached = [];
    this.batchedLength = 0;
    this.ctx.free();
  }
}

/** Tokens are dropped from the front of an over-long prompt in blocks of this
 *  many, so the cut stays put while the prompt grows and the cache still matches. */
export const FIT_BLOCK = 256;

/**
 * The prompt cut to leave room for `reserve` new tokens (at most half the
 * context): whole blocks of the oldest tokens after the first (BOS) are dropped.
 */
export function fitPrompt(prompt: readonly number[], capacity: number, reserve: number): number[] {
  const room = capacity - Math.min(Math.max(1, reserve), Math.floor(capacity / 2));
  if (prompt.length <= room) return [...prompt];
  const excess = prompt.length - room;
  const inBlocks = Math.ceil(excess / FIT_BLOCK) * FIT_BLOCK;
  // Never so much that less than half the room is used.
  const drop = Math.max(excess, Math.min(inBlocks, prompt.length - 1 - Math.floor(room / 2)));
  return [prompt[0], ...prompt.slice(1 + drop)];
}
