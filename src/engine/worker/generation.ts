// One generation request as a job for the scheduler: read the prompt into
// the KV cache a piece per step (reusing the cached prefix), then sample,
// decode and stream one token per step until an end token, a stop string,
// the token or time budget, or a cancel. Every step first reads the
// request's abort flag. A completion cancelled while still reading its
// prompt reads on in the background, so the next keystroke finds it cached.
import { CANCEL, type ErrorInfo, type GenerateOptions, type GenerationKind, type GenerationStats, type PromptProgress, type StopReason } from '../protocol';
import { errorCode } from '../engine-errors';
import type { PromptFill } from './prompt-fill';
import { Sampler } from '../decoding/sampler';
import type { Activity, Job, Priority } from './scheduler';
import { StopStringMatcher } from '../decoding/stop-strings';

/** What generation needs from the tokenizer. */
export interface GenerationTokenizer {
  streamDecoder(): { push(id: number): string; flush(): string };
  isEndOfGeneration(id: number): boolean;
}

/** Made on the first step, so a model loads only when a request runs. */
export interface GenerationSetup {
  /** The prompt (BOS included), about to be read into its sequence. */
  fill: PromptFill;
  tokenizer: GenerationTokenizer;
  /** Completion: which of its prompts was chosen. */
  window?: 'full' | 'cold';
}

export interface GenerationSink {
  progress(progress: PromptProgress): void;
  chunk(text: string): void;
  end(stats: GenerationStats): void;
  fail(error: ErrorInfo): void;
  /** The job is over (after any background reading): its sequence is free. */
  close(): void;
}

interface Running extends GenerationSetup {
  decoder: { push(id: number): string; flush(): string };
  /** The last sampled token, evaluated by the next step. */
  token: number;
}

export class Generation implements Job {
  private running: Running | undefined;
  private readonly sampler: Sampler;
  private readonly stops: StopStringMatcher;
  private readonly startedAt: number;
  private firstTokenAt: number | undefined;
  private lastTokenAt = 0;
  private generated = 0;
  /** The caller has been told how the request ended. */
  private ended = false;
  private closed = false;
  /** Reading the rest of the prompt after the request ended. */
  private background = false;

  constructor(
    readonly kind: GenerationKind,
    private readonly options: GenerateOptions,
    private readonly abort: Int32Array,
    private readonly setup: () => GenerationSetup,
    private readonly sink: GenerationSink,
  ) {
    this.sampler = new Sampler(options);
    this.stops = new StopStringMatcher(options.stop ?? []);
    this.startedAt = performance.now();
  }

  get priority(): Priority {
    if (this.background) return 'background';
    return this.kind === 'chat' ? 'chat' : 'live';
  }

  activity(): Activity | undefined {
    if (this.background) return undefined;
    const fill = this.running?.fill;
    if (fill && !fill.finished) return { kind: this.kind, progress: { done: fill.done, total: fill.total } };
    return { kind: this.kind };
  }

  cancel(): void {
    this.endRequest('aborted');
    this.close();
  }

  step(): boolean {
    try {
      return this.advance();
    } catch (err) {
      if (!this.ended) this.sink.fail({ code: errorCode(err, 'ENGINE_ERROR'), message: (err as Error)?.message ?? String(err) });
      this.ended = true;
      return this.close();
    }
  }

  private advance(): boolean {
    if (this.background) return this.readOn();
    if (Atomics.load(this.abort, 0) === CANCEL) return this.cancelled();
    const run = (this.running ??= this.start());
    if (!run.fill.finished) {
      const logits = run.fill.step();
      this.sink.progress({ done: run.fill.done, total: run.fill.total });
      return logits ? this.next(run, logits) : false;
    }
    const budget = this.options.timeBudgetMs;
    if (budget !== undefined && this.firstTokenAt !== undefined && performance.now() - this.firstTokenAt > budget) return this.finish('time');
    return this.next(run, run.fill.sequence.eval([run.token]));
  }

  private start(): Running {
    const setup = this.setup();
    return { ...setup, decoder: setup.tokenizer.streamDecoder(), token: -1 };
  }

  /**
   * The caller is gone. A completion that has started reading its prompt
   * reads on, out of everyone's way; one that never started leaves the work
   * to the request that replaces it.
   */
  private cancelled(): boolean {
    const reading = this.kind === 'completion' && this.running !== undefined && !this.running.fill.finished;
    this.endRequest('aborted');
    if (!reading) return this.close();
    this.background = true;
    return false;
  }

  private readOn(): boolean {
    const run = this.running!;
    if (!run.fill.finished) run.fill.step();
    return run.fill.finished ? this.close() : false;
  }

  /** Samples from the last logits, streams the token's text, decides whether to go on. */
  private next(run: Running, logits: Float32Array): boolean {
    const token = this.sampler.sample(logits, run.fill.sequence.tokens);
    const now = performance.now();
    this.firstTokenAt ??= now;
    this.lastTokenAt = now;
    if (run.tokenizer.isEndOfGeneration(token)) return this.finish('eos');
    this.generated++;
    const shown = this.stops.push(run.decoder.push(token));
    if (shown.text) this.sink.chunk(shown.text);
    if (shown.stopped) return this.finish('stop');
    if (this.generated >= this.options.maxTokens) return this.finish('length');
    // The sampled token must fit in the cache to give the next logits.
    if (run.fill.sequence.tokens.length >= run.fill.sequence.capacity) return this.finish('length');
    run.token = token;
    return false;
  }

  private finish(reason: StopReason): true {
    this.endRequest(reason);
    return this.close();
  }

  private endRequest(reason: StopReason): void {
    if (this.ended) return;
    this.ended = true;
    const run = this.running;
    if (run && reason !== 'aborted' && reason !== 'stop') {
      const tail = this.stops.push(run.decoder.flush());
      const text = tail.text + this.stops.flush();
      if (text) this.sink.chunk(text);
    }
    this.sink.end(this.stats(reason));
  }

  private stats(reason: StopReason): GenerationStats {
    const fill = this.running?.fill;
    const decodeSeconds = (this.lastTokenAt - (this.firstTokenAt ?? 0)) / 1000;
    return {
      promptTokens: fill?.total ?? 0,
      reusedTokens: fill?.reused ?? 0,
      generatedTokens: this.generated,
      prefillMs: fill?.ms ?? 0,
      firstTokenMs: this.firstTokenAt === undefined ? 0 : this.firstTokenAt - this.startedAt,
      tokensPerSecond: this.generated > 1 && decodeSeconds > 0 ? (this.generated - 1) / decodeSeconds : 0,
      stopReason: reason,
      window: this.running?.window,
    };
  }

  private close(): true {
    if (!this.closed) {
      this.closed = true;
      this.sink.close();
    }
    return true;
  }
}
