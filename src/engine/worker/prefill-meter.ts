// How fast this CPU reads prompts, measured as it works. A busy or older
// machine reads 20-100 tokens a second, a quiet new one several hundred, so
// nothing is sized by a constant: the piece of prompt one scheduler step
// evaluates, and the cold prompt window, both follow the measured rate.

/** A prompt piece should take about this long, so a newer request waits at most that. */
export const PIECE_TARGET_MS = 120;
/** Pieces are whole multiples of this many tokens (the kernels work in blocks of 8 and 16). */
export const PIECE_STEP = 8;
export const PIECE_MAX = 128;
/** The rate assumed before anything was measured: a slow CPU, so the first pieces stay short. */
export const INITIAL_TOKENS_PER_SECOND = 60;
/** Pieces shorter than this say more about call overhead than about the rate. */
const MIN_MEASURED_TOKENS = 8;
/** Weight of the newest piece in the running average: recent enough to follow a machine getting busy. */
const SMOOTHING = 0.3;

export class PrefillMeter {
  private rate: number | undefined;
  /** Prompt tokens evaluated in all. */
  totalTokens = 0;

  /** The measured rate in tokens per second, undefined before the first piece. */
  get tokensPerSecond(): number | undefined {
    return this.rate;
  }

  /** Records one evaluated piece of prompt. */
  record(tokens: number, ms: number): void {
    this.totalTokens += tokens;
    if (tokens < MIN_MEASURED_TOKENS || ms <= 0) return;
    const rate = (tokens * 1000) / ms;
    this.rate = this.rate === undefined ? rate : this.rate + SMOOTHING * (rate - this.rate);
  }

  /** Tokens in the next prompt piece: about PIECE_TARGET_MS of work at the measured rate. */
  pieceTokens(): number {
    const rate = this.rate ?? INITIAL_TOKENS_PER_SECOND;
    const tokens = Math.floor((rate * PIECE_TARGET_MS) / 1000 / PIECE_STEP) * PIECE_STEP;
    return Math.min(PIECE_MAX, Math.max(PIECE_STEP, tokens));
  }

  /** Seconds this CPU needs to read `tokens` prompt tokens. */
  secondsFor(tokens: number): number {
    return tokens / (this.rate ?? INITIAL_TOKENS_PER_SECOND);
  }
}
