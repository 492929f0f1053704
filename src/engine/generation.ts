// One generation request as a job for the scheduler: prefill the prompt
// (reusing the sequence's cached prefix), then sample, decode and stream one
// token per step until an end token, a stop string, the token or time budget,
// or a cancel. Every step first reads the request's abort flag.
import { CANCEL, PREEMPT, RUN, type ErrorInfo, type GenerateOptions, type GenerationKind, type GenerationStats, type StopReason } from './protocol';
import { errorCode } from './engine-errors';
import { Sampler } from './sampler';
import type { Job } from './scheduler';
import { fitPrompt, type Sequence } from './sequence';
import { StopStringMatcher } from './stop-strings';

/** What generation needs from the tokenizer. */
export interface GenerationTokenizer {
  streamDecoder(): { push(id: number): string; flush(): string };
  isEndOfGeneration(id: number): boolean;
}

/** Resolved on the first step, so a model loads only when a request runs. */
export interface GenerationSetup {
  sequence: Sequence;
  tokenizer: GenerationTokenizer;
  /** The prompt's tokens, BOS included. */
  prompt: number[];
}

export interface GenerationSink {
  chunk(text: string): void;
  end(stats: GenerationStats): void;
  fail(error: ErrorInfo): void;
}

interface Running {
  sequence: Sequence;
  tokenizer: GenerationTokenizer;
  decoder: { push(id: number): string; flush(): string };
  /** Tokens still to evaluate: the rest of the prompt, then each sampled token. */
  pending: number[];
  /** Still evaluating the prompt (no token sampled yet). */
  prefill: boolean;
  promptTokens: number;
  reusedTokens: number;
}

export class Generation implements Job {
  private running: Running | undefined;
  private readonly sampler: Sampler;
  private readonly stops: StopStringMatcher;
  private readonly startedAt: number;
  private firstTokenAt: number | undefined;
  private lastTokenAt = 0;
  private generated = 0;

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

  cancel(): void {
    Atomics.store(this.abort, 0, CANCEL);
  }

  step(): boolean {
    try {
      return this.advance();
    } catch (err) {
      this.sink.fail({ code: errorCode(err, 'ENGINE_ERROR'), message: (err as Error)?.message ?? String(err) });
      return true;
    }
  }

  private advance(): boolean {
    const flag = Atomics.load(this.abort, 0);
    if (flag === CANCEL) return this.finish('aborted');
    // The scheduler only runs a chat step when no completion waits, so a
    // preempt request has been served: carry on.
    if (flag === PREEMPT) Atomics.compareExchange(this.abort, 0, PREEMPT, RUN);
    const run = (this.running ??= this.start());
    const budget = this.options.timeBudgetMs;
    if (budget !== undefined && performance.now() - this.startedAt > budget) return this.finish('time');

    // One call for the whole rest of the prompt: the engine checks the abort
    // flag between layers and chunks, and rounds by call size, not chunk.
    if (run.prefill && run.pending.length === 1 && run.sequence.tokens.length > 0) {
      // Left over by an interrupted prefill: evaluate it with the one before.
      run.pending.unshift(run.sequence.popLast()!);
    }
    const before = run.sequence.tokens.length;
    let logits: Float32Array;
    try {
      logits = run.sequence.eval(run.pending, this.abort);
    } catch (err) {
      if (errorCode(err, 'ENGINE_ERROR') !== 'ABORTED') throw err;
      // Keep what the engine finished; the next step ends or resumes the request.
      run.pending = run.pending.slice(run.sequence.tokens.length - before);
      return false;
    }
    run.prefill = false;
    return this.next(run, logits);
  }

  private start(): Running {
    const { sequence, tokenizer, prompt } = this.setup();
    const fitted = fitPrompt(prompt, sequence.capacity, this.options.maxTokens);
    const reused = sequence.reuse(fitted);
    return {
      sequence,
      tokenizer,
      decoder: tokenizer.streamDecoder(),
      pending: fitted.slice(reused),
      prefill: true,
      promptTokens: fitted.length,
      reusedTokens: reused,
    };
  }

  /** Samples from the last logits, streams the token's text, decides whether to go on. */
  private next(run: Running, logits: Float32Array): boolean {
    const token = this.sampler.sample(logits, run.sequence.tokens);
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
    if (run.sequence.tokens.length >= run.sequence.capacity) return this.finish('length');
    run.pending = [token];
    return false;
  }

  private finish(reason: StopReason): true {
    const run = this.running;
    if (run && reason !== 'aborted' && reason !== 'stop') {
      const tail = this.stops.push(run.decoder.flush());
      const text = tail.text + this.stops.flush();
      if (text) this.sink.chunk(text);
    }
    const decodeSeconds = (this.lastTokenAt - (this.firstTokenAt ?? 0)) / 1000;
    this.sink.end({
      promptTokens: run?.promptTokens ?? 0,
      reusedTokens: run?.reusedTokens ?? 0,
      generatedTokens: this.generated,
      firstTokenMs: this.firstTokenAt === undefined ? 0 : this.firstTokenAt - this.startedAt,
      tokensPerSecond: this.generated > 1 && decodeSeconds > 0 ? (this.generated - 1) / decodeSeconds : 0,
      stopReason: reason,
    });
    return true;
  }
}
