// Reads a prompt into a sequence a piece at a time. Each piece is one short
// scheduler step, and once evaluated it stays in the KV cache whatever
// happens to the request afterwards: a cancelled or superseded request
// leaves its finished pieces for the next one to reuse.
import type { PrefillMeter } from './prefill-meter';
import type { Sequence } from '../decoding/sequence';

export class PromptFill {
  /** Tokens of the prompt (BOS included). */
  readonly total: number;
  /** Prompt tokens that were already in the cache. */
  readonly reused: number;
  /** Time spent evaluating pieces. */
  ms = 0;
  private pending: number[];

  constructor(
    readonly sequence: Sequence,
    prompt: readonly number[],
    private readonly meter: PrefillMeter,
  ) {
    this.total = prompt.length;
    this.reused = sequence.reuse(prompt);
    this.pending = prompt.slice(this.reused);
  }

  /** Prompt tokens in the cache now. */
  get done(): number {
    return this.total - this.pending.length;
  }

  get finished(): boolean {
    return this.pending.length === 0;
  }

  /** Evaluates the next piece; returns the last position's logits once the whole prompt is in. */
  step(): Float32Array | undefined {
    if (this.pending.length === 1 && this.sequence.tokens.length > 0) {
      // A one-token call rounds differently (sequence.ts): take the token before along.
      this.pending.unshift(this.sequence.popLast()!);
    }
    const n = pieceLength(this.pending.length, this.meter.pieceTokens());
    const started = performance.now();
    const logits = this.sequence.eval(this.pending.slice(0, n));
    const ms = performance.now() - started;
    this.ms += ms;
    this.meter.record(n, ms);
    this.pending = this.pending.slice(n);
    return this.pending.length === 0 ? logits : undefined;
  }
}

/** The next piece: `piece` tokens, or all that remain when that would leave a single one behind. */
export function pieceLength(remaining: number, piece: number): number {
  return remaining <= piece + 1 ? remaining : piece;
}
