// The async iterable a caller reads generated text from. Chunks that arrive
// while the caller is busy are joined into one string, so a slow reader
// holds one growing string (bounded by the token budget), not a queue of
// thousands of small items.

export class TextStream implements AsyncIterableIterator<string> {
  private buffered = '';
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  push(text: string): void {
    if (this.ended || !text) return;
    this.buffered += text;
    this.notify();
  }

  /** Ends the stream after the buffered text. */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** Ends the stream with an error, thrown after the buffered text is read. */
  fail(error: Error): void {
    if (this.ended) return;
    this.error = error;
    this.ended = true;
    this.notify();
  }

  async next(): Promise<IteratorResult<string>> {
    while (!this.buffered && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.buffered) {
      const value = this.buffered;
      this.buffered = '';
      return { value, done: false };
    }
    if (this.error) {
      const error = this.error;
      this.error = undefined;
      throw error;
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<string>> {
    this.ended = true;
    this.buffered = '';
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<string> {
    return this;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
