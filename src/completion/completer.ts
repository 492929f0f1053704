// The inline-completion pipeline, free of VS Code: cache → join an in-flight
// generation → debounce → prompt → generate → post-process → cache.
import { beforeBlockCloser } from './block-opener';
import { CompletionCache, type CacheKey } from './completion-cache';
import { debounceDelay, sleep } from './debounce';
import { InflightCompletion, type CompletionGenerator } from './inflight-completion';
import { completionMode, type CompletionMode } from './mode';
import type { FilterContext } from './postprocess/filter';
import { postProcess } from './postprocess/pipeline';
import { stopAtBlockClose } from './postprocess/stop-at-block-close';
import { stopAtRepetition } from './postprocess/stop-at-repetition';
import { truncateToMode } from './postprocess/truncate-to-mode';
import type { CompletionPrompt } from '../engine/protocol';
import type { CompletionOutcome, CompletionReport } from './completion-report';
import { SKIP_REASON_TEXT, type SkipReason } from './skip-rules';
import { COLD_WINDOW_STEP_LINES, COLD_WINDOW_WORTH, coldWindowTokens, promptAt, promptLead } from './prompt';
import { lineAroundCursor, nextLines, type DocumentSnapshot } from './snapshot';

export interface CompleterSettings {
  maxTokens: number;
  /** Token budget for the document prefix in the prompt. */
  promptTokens: number;
  /** This long after the first generated token, show whatever complete text there is. */
  timeBudgetMs: number;
}

export interface CompletionResult {
  text: string;
  source: 'cache' | 'in-flight' | 'model';
}

export interface CompleterCounters {
  requests: number;
  cacheHits: number;
  joined: number;
  generations: number;
  shown: number;
}

export interface CompletionRequest {
  explicit: boolean;
  signal: AbortSignal;
}

const NEXT_LINES_CHECKED = 8;

/** The generation that serves one request, once there is one. */
interface Attempt {
  generation?: InflightCompletion;
}

export class InlineCompleter {
  readonly counters: CompleterCounters = { requests: 0, cacheHits: 0, joined: 0, generations: 0, shown: 0 };
  /** Milliseconds from the request to the suggestion, for the last one shown. */
  lastLatencyMs: number | undefined;
  private readonly cache = new CompletionCache();
  private current: InflightCompletion | undefined;
  private readonly listeners = new Set<(report: CompletionReport) => void>();

  constructor(
    private readonly engine: CompletionGenerator,
    private readonly settings: () => CompleterSettings,
  ) {}

  /** Hears what became of every request (see CompletionReport). */
  onReport(listener: (report: CompletionReport) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async complete(doc: DocumentSnapshot, request: CompletionRequest): Promise<CompletionResult | undefined> {
    const ctx = filterContext(doc);
    if (beforeBlockCloser(ctx.lineBefore, ctx.lineAfter)) {
      this.reportSkip(request.explicit, 'before-block-closer');
      return undefined;
    }
    const id = ++this.counters.requests;
    const started = performance.now();
    const attempt: Attempt = {};
    const report = (outcome: CompletionOutcome, extra: Partial<CompletionReport> = {}) =>
      this.report({ id, trigger: request.explicit ? 'explicit' : 'typing', outcome, ms: performance.now() - started, ...extra }, attempt.generation);
    let result: CompletionResult | undefined;
    try {
      result = await this.find(doc, ctx, request, attempt);
    } catch (err) {
      report('failed', { detail: (err as Error)?.message ?? String(err) });
      return undefined;
    }
    if (!result || request.signal.aborted) {
      report('cancelled');
      return undefined;
    }
    const text = postProcess(result.text, ctx);
    if (text === '') {
      report(attempt.generation?.outcome === 'timeout' ? 'timeout' : 'empty', { source: result.source });
      return undefined;
    }
    this.counters.shown++;
    this.lastLatencyMs = performance.now() - started;
    report('shown', { source: result.source, chars: text.length });
    return { ...result, text };
  }

  /** Says why a request was not even asked (a skip rule), for the log and the status. */
  reportSkip(explicit: boolean, reason: SkipReason): void {
    const id = ++this.counters.requests;
    this.report({ id, trigger: explicit ? 'explicit' : 'typing', outcome: 'skipped', detail: SKIP_REASON_TEXT[reason], ms: 0 }, undefined);
  }

  /** Reads this place's prompt into the cache in the background, so the first keystroke here is fast. */
  warm(doc: DocumentSnapshot): void {
    const settings = this.settings();
    this.engine.warm(this.prompt(doc, settings), settings.maxTokens);
  }

  /** The suggestion the generation in flight has written so far, if one is running. */
  get inflightText(): string | undefined {
    const g = this.current;
    return g && !g.settled ? g.text : undefined;
  }

  /** Forget cached suggestions (e.g. after the model changes). */
  reset(): void {
    this.cache.clear();
    this.current?.abort();
    this.current = undefined;
  }

  private report(report: CompletionReport, generation: InflightCompletion | undefined): void {
    const emit = (r: CompletionReport) => {
      for (const listener of this.listeners) listener(r);
    };
    if (!generation) return emit(report);
    if (!generation.settled) return emit({ ...report, progress: generation.progress });
    // The engine's figures arrive with its end message, at most a step after the text.
    void generation.stats.then((stats) => emit({ ...report, stats }));
  }

  private async find(doc: DocumentSnapshot, ctx: FilterContext, request: CompletionRequest, attempt: Attempt): Promise<CompletionResult | undefined> {
    const cached = this.cache.get(cacheKey(doc, ctx));
    if (cached !== undefined) {
      this.counters.cacheHits++;
      return { text: cached, source: 'cache' };
    }
    const joined = await this.join(doc, ctx, request.signal, attempt);
    if (joined) return joined;
    if (!(await sleep(debounceDelay(doc, request.explicit), request.signal))) return undefined;
    return (await this.join(doc, ctx, request.signal, attempt)) ?? this.generate(doc, ctx, request.signal, attempt);
  }

  private async join(doc: DocumentSnapshot, ctx: FilterContext, signal: AbortSignal, attempt: Attempt): Promise<CompletionResult | undefined> {
    const generation = this.current;
    if (!generation?.canServe({ ...doc, lineAfter: ctx.lineAfter })) return undefined;
    this.counters.joined++;
    attempt.generation = generation;
    const text = await generation.join(signal);
    const typed = doc.prefix.slice(generation.plan.prefix.length);
    if (text === undefined || !text.startsWith(typed)) return undefined;
    return { text: text.slice(typed.length), source: 'in-flight' };
  }

  private async generate(doc: DocumentSnapshot, ctx: FilterContext, signal: AbortSignal, attempt: Attempt): Promise<CompletionResult | undefined> {
    const settings = this.settings();
    this.current?.abort();
    const mode = ctx.mode;
    const generation = new InflightCompletion(this.engine, {
      prompt: this.prompt(doc, settings),
      path: doc.path,
      languageId: doc.languageId,
      prefix: doc.prefix,
      lineAfter: ctx.lineAfter,
      lead: promptLead(mode),
      options: {
        maxTokens: settings.maxTokens,
        temperature: 0,
        stop: mode.kind === 'single-line' ? ['\n'] : undefined,
        timeBudgetMs: settings.timeBudgetMs,
      },
      isFinished: (text) => hasEnough(text, ctx),
      onTimeout: (text) => (mode.kind === 'single-line' ? text : completeLines(text)),
    });
    this.current = generation;
    attempt.generation = generation;
    this.counters.generations++;
    generation.result.then((text) => {
      if (generation.outcome !== 'abandoned') this.cache.set(cacheKey(doc, ctx), postProcess(text, ctx));
    }, () => undefined);
    const text = await generation.join(signal);
    return text === undefined ? undefined : { text, source: 'model' };
  }

  /** The full prompt, and a cold one this CPU reads in about a second when that is much shorter. */
  private prompt(doc: DocumentSnapshot, settings: CompleterSettings): CompletionPrompt {
    const full = promptAt(doc, settings.promptTokens).text;
    const coldTokens = coldWindowTokens(this.engine.prefillRate);
    if (coldTokens >= settings.promptTokens * COLD_WINDOW_WORTH) return { full };
    return { full, cold: promptAt(doc, coldTokens, COLD_WINDOW_STEP_LINES).text };
  }
}

function cacheKey(doc: DocumentSnapshot, ctx: FilterContext): CacheKey {
  return { path: doc.path, languageId: doc.languageId, prefix: doc.prefix, lineAfter: ctx.lineAfter };
}

export function filterContext(doc: DocumentSnapshot): FilterContext {
  const { before, after } = lineAroundCursor(doc);
  const mode: CompletionMode = completionMode(doc);
  return {
    lineBefore: before,
    lineAfter: after,
    nextLines: nextLines(doc, NEXT_LINES_CHECKED),
    mode,
    tabSize: doc.tabSize,
    insertSpaces: doc.insertSpaces,
  };
}

/** True when the complete lines of `text` already contain the whole suggestion. */
function hasEnough(text: string, ctx: FilterContext): boolean {
  const end = text.lastIndexOf('\n');
  if (end < 0) return false;
  if (ctx.mode.kind === 'single-line') return true;
  const lines = text.slice(0, end);
  return [truncateToMode, stopAtBlockClose, stopAtRepetition].some((cut) => cut(lines, ctx).length < lines.length);
}

function completeLines(text: string): string {
  const end = text.lastIndexOf('\n');
  return end < 0 ? '' : text.slice(0, end);
}
