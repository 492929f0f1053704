// The inline-completion pipeline, free of VS Code: cache → join an in-flight
// generation → debounce → prompt → generate → post-process → cache.
import { CompletionCache, type CacheKey } from './completion-cache';
import { debounceDelay, sleep } from './debounce';
import { InflightCompletion, type CompletionGenerator } from './inflight-completion';
import { completionMode, type CompletionMode } from './mode';
import type { FilterContext } from './postprocess/filter';
import { postProcess } from './postprocess/pipeline';
import { stopAtRepetition } from './postprocess/stop-at-repetition';
import { truncateToMode } from './postprocess/truncate-to-mode';
import { buildPrompt } from './prompt';
import { lineAroundCursor, nextLines, type DocumentSnapshot } from './snapshot';

export interface CompleterSettings {
  maxTokens: number;
  /** Token budget for the document prefix in the prompt. */
  promptTokens: number;
  /** After this long, show whatever complete text there is. */
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

const NEXT_LINES_CHECKED = 8;

export class InlineCompleter {
  readonly counters: CompleterCounters = { requests: 0, cacheHits: 0, joined: 0, generations: 0, shown: 0 };
  /** Milliseconds from the request to the suggestion, for the last one shown. */
  lastLatencyMs: number | undefined;
  private readonly cache = new CompletionCache();
  private current: InflightCompletion | undefined;

  constructor(
    private readonly engine: CompletionGenerator,
    private readonly settings: () => CompleterSettings,
  ) {}

  async complete(doc: DocumentSnapshot, request: { explicit: boolean; signal: AbortSignal }): Promise<CompletionResult | undefined> {
    this.counters.requests++;
    const started = performance.now();
    const ctx = filterContext(doc);
    const result = await this.find(doc, ctx, request);
    if (!result || request.signal.aborted) return undefined;
    const text = postProcess(result.text, ctx);
    if (text === '') return undefined;
    this.counters.shown++;
    this.lastLatencyMs = performance.now() - started;
    return { ...result, text };
  }

  /** Text the generation in flight has produced so far, if one is running. */
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

  private async find(doc: DocumentSnapshot, ctx: FilterContext, request: { explicit: boolean; signal: AbortSignal }): Promise<CompletionResult | undefined> {
    const cached = this.cache.get(cacheKey(doc, ctx));
    if (cached !== undefined) {
      this.counters.cacheHits++;
      return { text: cached, source: 'cache' };
    }
    const joined = await this.join(doc, ctx, request.signal);
    if (joined) return joined;
    if (!(await sleep(debounceDelay(doc, request.explicit), request.signal))) return undefined;
    return (await this.join(doc, ctx, request.signal)) ?? this.generate(doc, ctx, request.signal);
  }

  private async join(doc: DocumentSnapshot, ctx: FilterContext, signal: AbortSignal): Promise<CompletionResult | undefined> {
    const generation = this.current;
    if (!generation?.canServe({ ...doc, lineAfter: ctx.lineAfter })) return undefined;
    this.counters.joined++;
    const text = await generation.join(signal);
    const typed = doc.prefix.slice(generation.plan.prefix.length);
    if (text === undefined || !text.startsWith(typed)) return undefined;
    return { text: text.slice(typed.length), source: 'in-flight' };
  }

  private async generate(doc: DocumentSnapshot, ctx: FilterContext, signal: AbortSignal): Promise<CompletionResult | undefined> {
    const settings = this.settings();
    this.current?.abort();
    const mode = ctx.mode;
    const generation = new InflightCompletion(this.engine, {
      prompt: buildPrompt(doc, settings.promptTokens).text,
      path: doc.path,
      languageId: doc.languageId,
      prefix: doc.prefix,
      lineAfter: ctx.lineAfter,
      options: {
        maxTokens: settings.maxTokens,
        temperature: 0,
        stop: mode.kind === 'single-line' ? ['\n'] : undefined,
        timeBudgetMs: settings.timeBudgetMs,
      },
      isFinished: (text) => hasEnough(text, ctx),
      onTimeout: (text) => (mode.kind === 'multi-line' ? completeLines(text) : text),
    });
    this.current = generation;
    this.counters.generations++;
    generation.result.then((text) => {
      if (generation.outcome !== 'abandoned') this.cache.set(cacheKey(doc, ctx), postProcess(text, ctx));
    }, () => undefined);
    const text = await generation.join(signal);
    return text === undefined ? undefined : { text, source: 'model' };
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
  return truncateToMode(lines, ctx).length < lines.length || stopAtRepetition(lines, ctx).length < lines.length;
}

function completeLines(text: string): string {
  const end = text.lastIndexOf('\n');
  return end < 0 ? '' : text.slice(0, end);
}
