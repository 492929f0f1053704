// One slot's native context and the tokens in its KV cache. Like the local
// engine's Sequence (src/engine/sequence.ts), a new prompt keeps the longest
// common token prefix and only the rest is evaluated, with the same
// exactness rule: only tokens evaluated in multi-token calls are reused, so
// a reused prefix gives the logits a fresh evaluation would. Unlike it,
// decoded tokens come from a batched step over several slots
// (model.decodeBatch), which this class is told about with `decoded`.
import type { NativeContext } from '../../native';
import { commonPrefixLength } from '../engine/sequence';

export class SlotCache {
  private cached: number[] = [];
  /** How many leading cached tokens were evaluated in multi-token calls only. */
  private batchedLength = 0;

  constructor(readonly context: NativeContext) {}

  get tokens(): readonly number[] {
    return this.cached;
  }

  get capacity(): number {
    return this.context.capacity;
  }

  /** How many tokens of `prompt` this cache could keep (see reuse). */
  reusable(prompt: readonly number[]): number {
    const keep = Math.min(commonPrefixLength(this.cached, prompt), this.batchedLength);
    // The last prompt token's logits are needed, and a one-token call rounds differently.
    return Math.min(keep, Math.max(0, prompt.length - 2));
  }

  /** Trims the cache to the part of `prompt` it can keep; returns how many tokens that is. */
  reuse(prompt: readonly number[]): number {
    this.trim(this.reusable(prompt));
    return this.cached.length;
  }

  /**
   * Evaluates part of a prompt after the cached tokens; returns the last
   * position's logits. Callers pass two or more tokens unless the whole
   * prompt is one token, so prompt tokens stay reusable.
   */
  evalPrompt(tokens: readonly number[]): Float32Array {
    const exactSoFar = this.batchedLength === this.cached.length;
    try {
      return this.context.eval(tokens as number[]);
    } finally {
      // On an error the engine says how far it got.
      const done = Math.max(0, Math.min(tokens.length, this.context.length - this.cached.length));
      for (let i = 0; i < done; i++) this.cached.push(tokens[i]!);
      if (exactSoFar && tokens.length > 1) this.batchedLength = this.cached.length;
    }
  }

  /** Records a token the batched decode appended to this context. */
  decoded(token: number): void {
    this.cached.push(token);
  }

  trim(n: number): void {
    this.context.trim(n);
    this.cached.length = Math.min(this.cached.length, n);
    this.batchedLength = Math.min(this.batchedLength, n);
  }

  free(): void {
    this.cached = [];
    this.batchedLength = 0;
    this.context.free();
  }
}
