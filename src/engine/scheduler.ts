// Decides what the worker does next, one small step at a time: completion
// requests before chat, a newer completion superseding older ones, and a
// turn of the event loop between steps so new requests and cancels arrive.
import type { GenerationKind } from './protocol';

export interface Job {
  readonly kind: GenerationKind;
  /** One unit of work (a prefill chunk or one token). True when the job has finished. */
  step(): boolean;
  /** Asks the job to end, as 'aborted', at its next step. */
  cancel(): void;
}

export class Scheduler {
  private readonly completions: Job[] = [];
  private readonly chats: Job[] = [];
  private running = false;
  private activeKind: GenerationKind | undefined;

  private readonly onActivity: (kind: GenerationKind | undefined) => void;
  private readonly onError: (err: unknown) => void;

  /**
   * `onActivity` hears the kind of job now running, or undefined when idle.
   * `onError` hears what a job threw (jobs report their own failures; this is
   * the last line of defence, so that one broken job cannot stop the others).
   */
  constructor(hooks: { onActivity?: (kind: GenerationKind | undefined) => void; onError?: (err: unknown) => void } = {}) {
    this.onActivity = hooks.onActivity ?? (() => {});
    this.onError = hooks.onError ?? ((err) => console.error('BitNet scheduler:', err));
  }

  submit(job: Job): void {
    if (job.kind === 'completion') {
      // Older completions end at their next step, which is cheap and tells their callers.
      for (const older of this.completions) older.cancel();
      this.completions.push(job);
    } else {
      this.chats.push(job);
    }
    this.wake();
  }

  cancelAll(): void {
    for (const job of [...this.completions, ...this.chats]) job.cancel();
  }

  get idle(): boolean {
    return this.completions.length === 0 && this.chats.length === 0;
  }

  private wake(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(() => this.pump());
  }

  private pump(): void {
    const queue = this.completions.length > 0 ? this.completions : this.chats;
    const job = queue[0];
    this.setActivity(job?.kind);
    if (!job) {
      this.running = false;
      return;
    }
    let finished = true;
    try {
      finished = job.step();
    } catch (err) {
      this.onError(err);
    }
    if (finished) queue.shift();
    // setImmediate runs after the messages that arrived during this step.
    setImmediate(() => this.pump());
  }

  private setActivity(kind: GenerationKind | undefined): void {
    if (kind === this.activeKind) return;
    this.activeKind = kind;
    this.onActivity(kind);
  }
}
