// One sequence: a native context (its own KV cache) and the tokens in it.
// A new prompt keeps the longest common token prefix of the cache and only
// the rest is evaluated. Token arrays are compared, not text: BPE may split
// the end of a prompt differently once a character is typed after it.
import type { NativeContext } from '../../native';

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

  constructor(private readonly ctx: NativeContext) {}

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
   * Trims the cache to the part of `prompt` it already holds, always leaving
   * at least the last prompt token to evaluate (its logits are needed).
   * Returns how many tokens were kept.
   */
  reuse(prompt: readonly number[]): number {
    const keep = Math.min(commonPrefixLength(this.cached, prompt), prompt.length - 1);
    this.trim(Math.max(0, keep));
    return this.cached.length;
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
      this.cached.push(...tokens);
      return logits;
    } catch (err) {
      const done = Math.max(0, Math.min(tokens.length, this.ctx.length - before));
      this.cached.push(...tokens.slice(0, done));
      if (this.ctx.length !== this.cached.length) this.trim(Math.min(this.ctx.length, this.cached.length));
      throw err;
    }
  }

  trim(n: number): void {
    this.ctx.trim(n);
    this.cached.length = Math.min(this.cached.length, n);
  }

  free(): void {
    this.cached = [];
    this.ctx.free();
  }
}

/**
 * The prompt cut to leave room for `reserve` new tokens (at most half the
 * context): the oldest tokens after the first (BOS) are dropped.
 */
export function fitPrompt(prompt: readonly number[], capacity: number, reserve: number): number[] {
  const room = capacity - Math.min(Math.max(1, reserve), Math.floor(capacity / 2));
  if (prompt.length <= room) return [...prompt];
  return [prompt[0], ...prompt.slice(prompt.length - room + 1)];
}
