// Finds stop strings in streamed text, even when one is split across tokens.
// Text that might be the start of a stop string is held back until the next
// piece shows whether it is one, so a caller never sees part of a stop string.

export interface StopResult {
  /** Text that is safe to show now. */
  text: string;
  /** A stop string was found; `text` ends just before it. */
  stopped: boolean;
}

export class StopStringMatcher {
  private readonly stops: string[];
  private held = '';
  private done = false;

  constructor(stops: readonly string[] = []) {
    this.stops = stops.filter((s) => s.length > 0);
  }

  push(piece: string): StopResult {
    if (this.done) return { text: '', stopped: true };
    const text = this.held + piece;
    const at = this.firstStop(text);
    if (at >= 0) {
      this.done = true;
      this.held = '';
      return { text: text.slice(0, at), stopped: true };
    }
    const hold = this.partialStopLength(text);
    this.held = text.slice(text.length - hold);
    return { text: text.slice(0, text.length - hold), stopped: false };
  }

  /** The held-back text, once generation ends without completing a stop string. */
  flush(): string {
    const text = this.done ? '' : this.held;
    this.held = '';
    return text;
  }

  private firstStop(text: string): number {
    let first = -1;
    for (const stop of this.stops) {
      const at = text.indexOf(stop);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    return first;
  }

  /** Length of the longest end of `text` that is a proper start of some stop string. */
  private partialStopLength(text: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
        if (text.endsWith(stop.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
