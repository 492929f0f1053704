// One request running on one slot: the prompt read in chunks (the cached
// prefix reused), then one token per step until an end token, a stop
// string, the token limit, a full context or a cancel. The scheduler
// evaluates the job's tokens with other slots' and hands back the logits;
// the job samples, cuts stop strings and streams text to its sink.
import { Sampler } from '../engine/decoding/sampler';
import { fitPrompt } from '../engine/decoding/sequence';
import { StopStringMatcher } from '../engine/decoding/stop-strings';
import type { GenerationRequest, GenerationResult, GenerationSink, ServerStopType } from './generation-request';
import { MAX_PROMPT_CHUNK } from './server-config';
import type { SlotCache } from './slot-cache';

/** What a job needs from the tokenizer. */
export interface JobTokenizer {
  streamDecoder(): { push(id: number): string; flush(): string };
  isEndOfGeneration(id: number): boolean;
}

export type JobState = 'prefill' | 'decode' | 'done';

export class SlotJob {
  state: JobState = 'prefill';
  /** The sampled token the next decode step evaluates. */
  next = -1;
  slotId = -1;
  private cache: SlotCache | undefined;
  private pending: number[] = [];
  private promptTokens = 0;
  private reusedTokens = 0;
  private truncated = false;
  private generated = 0;
  private readonly sampler: Sampler;
  private readonly stops: StopStringMatcher;
  private readonly decoder: { push(id: number): string; flush(): string };
  private startedAt = 0;
  private firstTokenAt: number | undefined;
  private lastTokenAt = 0;
  private cancelled = false;
  /** Everything decoded, and how much of it was shown: to name the stop string that ended it. */
  private raw = '';
  private shownLength = 0;

  constructor(
    readonly request: GenerationRequest,
    private readonly sink: GenerationSink,
    private readonly tokenizer: JobTokenizer,
  ) {
    this.sampler = new Sampler(request.sampling);
    this.stops = new StopStringMatcher(request.stop);
    this.decoder = tokenizer.streamDecoder();
  }

  /** Prompt tokens still to read. */
  get remainingPrompt(): number {
    return this.pending.length;
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  /** The client went away: the scheduler ends the job at its next look. */
  cancel(): void {
    this.cancelled = true;
  }

  /** Binds the job to its slot: fits the prompt and keeps the cached prefix. */
  start(slotId: number, cache: SlotCache): void {
    this.slotId = slotId;
    this.cache = cache;
    this.startedAt = performance.now();
    const reserve = this.request.maxTokens < 0 ? 1 : Math.max(1, this.request.maxTokens);
    const fitted = fitPrompt(this.request.prompt, cache.capacity, reserve);
    this.truncated = fitted.length < this.request.prompt.length;
    this.promptTokens = fitted.length;
    this.reusedTokens = this.request.cachePrompt ? cache.reuse(fitted) : (cache.trim(0), 0);
    this.pending = fitted.slice(this.reusedTokens);
  }

  /**
   * The next prompt chunk to evaluate: at most `budget` tokens (and
   * MAX_PROMPT_CHUNK), but at least two, and never leaving a single token
   * for the last call, which would round like a decode step. So only the
   * last three of a prompt may go over a budget under two.
   */
  nextChunk(budget: number): number[] {
    let take = Math.min(this.pending.length, Math.max(2, budget), MAX_PROMPT_CHUNK);
    if (this.pending.length - take === 1) take = take > 2 ? take - 1 : take + 1;
    return this.pending.slice(0, take);
  }

  /** Takes the logits after the step that evaluated `tokens` (a prompt chunk, or `next`). */
  evaluated(tokens: number[], logits: Float32Array): void {
    this.cache!.evaluated(tokens);
    if (this.state === 'decode') return this.accept(logits);
    this.pending = this.pending.slice(tokens.length);
    this.sink.progress(this.promptTokens - this.reusedTokens - this.pending.length, this.promptTokens - this.reusedTokens);
    if (this.pending.length > 0) return;
    if (this.request.maxTokens === 0) this.finish('limit');
    else this.accept(logits);
  }

  /** Ends a cancelled or failed job. */
  abandon(error?: Error): void {
    if (this.state === 'done') return;
    this.state = 'done';
    if (error) this.sink.fail(error);
    else this.sink.end(this.result('aborted', ''));
  }

  private accept(logits: Float32Array): void {
    const cache = this.cache!;
    const token = this.sampler.sample(logits, cache.tokens);
    const now = performance.now();
    this.firstTokenAt ??= now;
    this.lastTokenAt = now;
    if (this.tokenizer.isEndOfGeneration(token)) return this.finish('eos');
    this.generated++;
    const piece = this.decoder.push(token);
    this.raw += piece;
    const shown = this.stops.push(piece);
    this.shownLength += shown.text.length;
    if (shown.text) this.sink.text(shown.text);
    if (shown.stopped) return this.finish('word', this.request.stop.find((s) => s && this.raw.startsWith(s, this.shownLength)) ?? '');
    const max = this.request.maxTokens;
    if (max > 0 && this.generated >= max) return this.finish('limit');
    if (cache.tokens.length >= cache.capacity) {
      this.truncated = true;
      return this.finish('limit');
    }
    this.next = token;
    this.state = 'decode';
  }

  private finish(stopType: ServerStopType, stoppingWord = ''): void {
    if (stopType !== 'word') {
      const tail = this.stops.push(this.decoder.flush());
      const text = tail.text + this.stops.flush();
      if (text) this.sink.text(text);
    }
    this.state = 'done';
    this.sink.end(this.result(stopType, stoppingWord));
  }

  private result(stopType: ServerStopType, stoppingWord: string): GenerationResult {
    const first = this.firstTokenAt;
    return {
      slot: this.slotId,
      stopType,
      stoppingWord,
      promptTokens: this.promptTokens,
      reusedTokens: this.reusedTokens,
      generatedTokens: this.generated,
      truncated: this.truncated,
      promptMs: first === undefined ? performance.now() - this.startedAt : first - this.startedAt,
      predictedMs: first === undefined ? 0 : this.lastTokenAt - first,
    };
  }
}
