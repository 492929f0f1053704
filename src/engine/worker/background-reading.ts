// Prompt reading nobody waits for: warm-up ahead of typing, and the full
// prompt window behind a cold one. It runs only when no live completion or
// chat reply wants the CPU, a piece per step, and each piece it finishes
// stays in the KV cache for the request that needs it.
import type { PromptFill } from './prompt-fill';
import type { Activity, Job, Priority } from './scheduler';

export class BackgroundReading implements Job {
  readonly kind = 'completion';
  readonly priority: Priority = 'background';
  private reads: (() => PromptFill)[] | undefined;
  private fill: PromptFill | undefined;
  private closed = false;

  /**
   * `plan` runs on the first step (so a model loads, and a cache is trimmed,
   * only when the job's turn comes) and lists the prompts to read, in order;
   * each is made when its turn comes. `close` runs once, when the job is over.
   */
  constructor(
    private readonly plan: () => (() => PromptFill)[],
    private readonly close: () => void,
  ) {}

  step(): boolean {
    try {
      this.reads ??= this.plan();
      while (!this.fill || this.fill.finished) {
        const next = this.reads.shift();
        if (!next) return this.end();
        this.fill = next();
      }
      this.fill.step();
      return this.fill.finished && this.reads.length === 0 ? this.end() : false;
    } catch (err) {
      this.end();
      throw err;
    }
  }

  cancel(): void {
    this.end();
  }

  activity(): Activity | undefined {
    return undefined;
  }

  private end(): true {
    if (!this.closed) {
      this.closed = true;
      this.close();
    }
    return true;
  }
}
