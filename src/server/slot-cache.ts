// One slot's native context and the tokens in its KV cache. Like the local
// engine's Sequence (src/engine/decoding/sequence.ts), a new prompt keeps the longest
// common token prefix and only the rest is evaluated, with the same
// exactness rule: only tokens evaluated in multi-token calls are reused, so
// a reused prefix gives the logits a fresh evaluation would. Unlike it,
// this class evaluates nothing itself: the scheduler evaluates every slot's
// tokens in one batched pass (model.evalBatch) and tells it what went in.
import type { NativeContext } from '../../native';
import { commonPrefixLength } from '../engine/decoding/sequence';

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

  /** Records tokens evaluated together in one call (a prompt chunk, or a decoded token). */
  evaluated(tokens: readonly number[]): void {
    const exactSoFar = this.batchedLength === this.cached.length;
    this.cached.push(...tokens);
    // Only multi-token calls leave K and V that a fresh prompt reproduces.
    if (exactSoFar && tokens.length > 1) this.batchedLength = this.cached.length;
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
