// One model generation for inline completion that later keystrokes can join:
// if the user types text the model is already writing, the new request
// waits for this generation instead of starting over. The generation is
// aborted only when nobody is waiting for it any more.
import type { GenerationStream } from '../engine/client/engine-client';
import type { CompletionPrompt, GenerateOptions, GenerationStats } from '../engine/protocol';

/** The part of EngineClient inline completion uses. */
export interface CompletionGenerator {
  complete(prompt: CompletionPrompt, options: GenerateOptions, signal?: AbortSignal): GenerationStream;
  /** Reads a prompt into the cache in the background, ahead of typing. */
  warm(prompt: CompletionPrompt, maxTokens: number): void;
  /** How fast this CPU reads prompts (tokens per second), once measured. */
  readonly prefillRate: number | undefined;
}

/** How long an abandoned generation lives on, waiting for the next keystroke to join it. */
export const JOIN_GRACE_MS = 150;

export interface GenerationPlan {
  prompt: CompletionPrompt;
  /** The document the generation is for, and the prefix it continues. */
  path: string;
  languageId: string;
  prefix: string;
  lineAfter: string;
  /** What the prompt holds past `prefix` (see promptLead): the text starts with it. */
  lead: string;
  options: GenerateOptions;
  /** True once `text` holds everything worth showing: generation stops early. */
  isFinished(text: string): boolean;
  /** What to keep when the time budget (counted from the first token) runs out mid-generation. */
  onTimeout(text: string): string;
}

export class InflightCompletion {
  /** The suggestion so far: the prompt's lead, then the text generated. */
  text: string;
  settled = false;
  /** How it ended: the model stopped or had enough, the time ran out, or nobody waited. */
  outcome: 'finished' | 'timeout' | 'abandoned' | undefined;
  readonly result: Promise<string>;
  /** The worker's figures, once it has ended the request (undefined if it never did). */
  stats: Promise<GenerationStats | undefined> = Promise.resolve(undefined);
  private stream: GenerationStream | undefined;
  private readonly controller = new AbortController();
  private waiters = 0;
  private abandonTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(engine: CompletionGenerator, readonly plan: GenerationPlan) {
    this.text = plan.lead;
    this.result = this.run(engine).finally(() => {
      this.settled = true;
      clearTimeout(this.abandonTimer);
    });
  }

  /** Can a request at this place (same file, same text right of the cursor) use this generation? */
  canServe(at: { path: string; languageId: string; prefix: string; lineAfter: string }): boolean {
    const plan = this.plan;
    if (this.settled || this.controller.signal.aborted) return false;
    if (at.path !== plan.path || at.languageId !== plan.languageId || at.lineAfter !== plan.lineAfter) return false;
    if (!at.prefix.startsWith(plan.prefix)) return false;
    const typed = at.prefix.slice(plan.prefix.length);
    // Nothing generated yet says nothing about what was typed: start afresh then.
    const generated = this.text.length > plan.lead.length;
    return typed === '' || (generated && (this.text.startsWith(typed) || typed.startsWith(this.text)));
  }

  /** Waits for the result on behalf of one request; undefined if that request is cancelled. */
  join(signal: AbortSignal): Promise<string | undefined> {
    this.waiters++;
    clearTimeout(this.abandonTimer);
    return new Promise((resolve) => {
      const onAbort = () => {
        resolve(undefined);
        this.leave();
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.result.then(
        (text) => {
          signal.removeEventListener('abort', onAbort);
          this.waiters--;
          resolve(text);
        },
        () => resolve(undefined),
      );
    });
  }

  /** Stops the generation; its partial text is never cached as a suggestion. */
  abort(): void {
    this.outcome ??= 'abandoned';
    this.controller.abort();
  }

  private leave(): void {
    this.waiters--;
    if (this.waiters > 0 || this.settled) return;
    this.abandonTimer = setTimeout(() => {
      this.outcome ??= 'abandoned';
      this.abort();
    }, JOIN_GRACE_MS);
  }

  /** How far the prompt has been read, while it is being read. */
  get progress() {
    return this.stream?.progress;
  }

  private async run(engine: CompletionGenerator): Promise<string> {
    const stream = engine.complete(this.plan.prompt, this.plan.options, this.controller.signal);
    this.stream = stream;
    this.stats = stream.stats;
    for await (const chunk of stream) {
      this.text += chunk;
      if (this.plan.isFinished(this.text)) {
        this.outcome ??= 'finished';
        break; // enough text: ending the stream frees the CPU for the next request
      }
    }
    // The worker ends a request whose time ran out with stopReason 'time', just before the stream ends.
    if (!this.outcome && (await stream.stats)?.stopReason === 'time') this.outcome = 'timeout';
    this.outcome ??= 'finished';
    return this.outcome === 'timeout' ? this.plan.onTimeout(this.text) : this.text;
  }
}
