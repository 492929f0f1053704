// Decides what the worker does next, one short step at a time (a prompt
// piece or one token), with a turn of the event loop between steps so new
// requests and cancels arrive. Live completions come first, then chat
// replies, then background prompt reading (warm-up ahead of typing, the full
// window behind a cold one, the rest of a cancelled completion's prompt).
import type { GenerationKind, PromptProgress } from '../protocol';

/** Lower runs first. */
export type Priority = 'live' | 'chat' | 'background';
const ORDER: Record<Priority, number> = { live: 0, chat: 1, background: 2 };

/** What a running job shows in the status, or undefined for background work. */
export interface Activity {
  kind: GenerationKind;
  /** Set while the job reads its prompt. */
  progress?: PromptProgress;
}

export interface Job {
  readonly kind: GenerationKind;
  /** May change while the job lives: a cancelled completion reads on in the background. */
  readonly priority: Priority;
  /** One unit of work. True when the job has finished. */
  step(): boolean;
  /** Ends the job now (its caller hears 'aborted'); the scheduler forgets it. */
  cancel(): void;
  activity(): Activity | undefined;
}

export class Scheduler {
  private jobs: Job[] = [];
  private running = false;
  private readonly onActivity: (activity: Activity | undefined) => void;
  private readonly onError: (err: unknown) => void;

  /**
   * `onActivity` hears, after each step, what the next job shows, or
   * undefined when idle or in the background. `onError` hears what a job threw (jobs report
   * their own failures; this is the last line of defence, so that one broken
   * job cannot stop the others).
   */
  constructor(hooks: { onActivity?: (activity: Activity | undefined) => void; onError?: (err: unknown) => void } = {}) {
    this.onActivity = hooks.onActivity ?? (() => {});
    this.onError = hooks.onError ?? ((err) => console.error('BitNet scheduler:', err));
  }

  /**
   * Queues a job. Completions share one model state, so a new live completion
   * replaces every older completion job, and new background reading replaces
   * older background reading; finished pieces stay in the KV caches for it.
   */
  submit(job: Job): void {
    if (job.kind === 'completion') this.drop((older) => older.kind === 'completion' && (job.priority === 'live' || older.priority === 'background'));
    this.jobs.push(job);
    this.wake();
  }

  cancelAll(): void {
    this.drop(() => true);
  }

  /** Drops background reading (the user is away: save the battery). */
  cancelBackground(): void {
    this.drop((job) => job.priority === 'background');
  }

  get idle(): boolean {
    return this.jobs.length === 0;
  }

  private drop(which: (job: Job) => boolean): void {
    const dropped = this.jobs.filter(which);
    this.jobs = this.jobs.filter((job) => !dropped.includes(job));
    for (const job of dropped) job.cancel();
  }

  private wake(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(() => this.pump());
  }

  private next(): Job | undefined {
    let best: Job | undefined;
    for (const job of this.jobs) if (!best || ORDER[job.priority] < ORDER[best.priority]) best = job;
    return best;
  }

  private pump(): void {
    const job = this.next();
    if (!job) {
      this.running = false;
      this.onActivity(undefined);
      return;
    }
    let finished = true;
    try {
      finished = job.step();
    } catch (err) {
      this.onError(err);
    }
    if (finished) this.jobs = this.jobs.filter((j) => j !== job);
    // Say what comes next, so the status does not blink idle between two jobs.
    this.onActivity(this.next()?.activity());
    // setImmediate runs after the messages that arrived during this step.
    setImmediate(() => this.pump());
  }
}
