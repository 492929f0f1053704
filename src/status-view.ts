// What the status-bar item says, as a pure function of the engine's state,
// the inline setting for the current editor and what recent completion
// requests came to. Figures in the tooltip always come from one request.
import type { CompletionReport } from './completion/completion-report';
import type { PromptProgress } from './engine/protocol';

export type EngineState = 'starting' | 'no-model' | 'loading' | 'unloaded' | 'reading' | 'generating' | 'ready' | 'error';

export interface StatusInput {
  engine: EngineState;
  errorMessage?: string;
  modelPath?: string;
  inlineEnabled: boolean;
  languageId?: string;
  /** How far the prompt being read has got. */
  progress?: PromptProgress;
  /** The engine's measured prefill rate, tokens per second. */
  prefillRate?: number;
  /** The last request that showed a suggestion. */
  lastShown?: CompletionReport;
  /** Requests since then that showed nothing, oldest first. */
  misses?: CompletionReport[];
  /** Why the last completion request failed, until one succeeds. */
  completionError?: string;
}

export interface StatusView {
  text: string;
  tooltip: string;
  isError: boolean;
}

/** This many requests in a row showing nothing make the tooltip say why. */
export const MISSES_EXPLAINED = 3;
/** A request cancelled sooner than this was the user typing on, not a pause that went unanswered. */
export const PAUSE_MS = 750;

export function describeStatus(s: StatusInput): StatusView {
  const lines = (...parts: (string | undefined)[]) => parts.filter(Boolean).join('\n');
  const failing = s.completionError !== undefined && s.engine !== 'no-model' && s.engine !== 'loading' && s.engine !== 'starting';
  if (s.engine === 'error' || failing) {
    const message = s.engine === 'error' ? (s.errorMessage ?? 'the engine failed') : `inline completion failed: ${s.completionError}`;
    return { text: '$(error) BitNet', tooltip: lines(`BitNet: ${message}`, 'Click for options, or open the BitNet log.'), isError: true };
  }
  switch (s.engine) {
    case 'no-model':
      return { text: '$(cloud-download) BitNet', tooltip: 'BitNet has no model yet. Click to download it or pick a local file.', isError: false };
    case 'starting':
    case 'loading':
      return { text: '$(loading~spin) BitNet', tooltip: lines('BitNet is loading the model…', s.modelPath), isError: false };
    case 'reading': {
      const p = s.progress;
      const percent = p && p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
      const detail = p ? `BitNet is reading ${p.total} tokens of context: ${p.done} done${rate(s.prefillRate)}.` : 'BitNet is reading the context…';
      return { text: `$(book) BitNet ${percent}%`, tooltip: lines(detail, whyNothing(s)), isError: false };
    }
    case 'unloaded':
      return { text: '$(circle-large-outline) BitNet', tooltip: lines('BitNet: the model is not in memory (it was freed while idle); the next request loads it.', s.modelPath), isError: false };
    case 'generating':
      return { text: '$(pulse) BitNet', tooltip: lines('BitNet is generating…', lastSuggestion(s.lastShown)), isError: false };
    case 'ready':
      if (!s.inlineEnabled) {
        const where = s.languageId ? ` for ${s.languageId}` : '';
        return { text: '$(circle-slash) BitNet', tooltip: lines(`BitNet inline completion is off${where}.`, 'Click for options.'), isError: false };
      }
      return { text: '$(sparkle) BitNet', tooltip: lines('BitNet is ready.', whyNothing(s), lastSuggestion(s.lastShown), s.modelPath), isError: false };
  }
}

/** Keeps the last suggestion shown and the misses since, as a report arrives. */
export function noteReport(s: Pick<StatusInput, 'lastShown' | 'misses' | 'completionError'>, report: CompletionReport): Pick<StatusInput, 'lastShown' | 'misses' | 'completionError'> {
  const completionError = report.outcome === 'failed' ? report.detail : report.outcome === 'cancelled' || report.outcome === 'skipped' ? s.completionError : undefined;
  if (report.outcome === 'shown') return { lastShown: report, misses: [], completionError };
  if (report.outcome === 'cancelled' && report.ms < PAUSE_MS) return { ...s, completionError }; // typing on
  return { lastShown: s.lastShown, misses: [...(s.misses ?? []), report].slice(-MISSES_EXPLAINED), completionError };
}

/** All figures of the last suggestion, from that one request. */
function lastSuggestion(r: CompletionReport | undefined): string | undefined {
  if (!r) return undefined;
  const st = r.stats;
  if (!st) return `Last suggestion: ${Math.round(r.ms)} ms (${r.source === 'cache' ? 'from the cache' : 'joined a running generation'}).`;
  const window = st.window === 'cold' ? ', a short window while the full one is read' : '';
  return (
    `Last suggestion: ${Math.round(r.ms)} ms; prompt ${st.promptTokens} tokens (${st.reusedTokens} reused${window}), ` +
    `read in ${Math.round(st.prefillMs)} ms; first token at ${Math.round(st.firstTokenMs)} ms; ` +
    `${st.generatedTokens} tokens at ${st.tokensPerSecond.toFixed(1)} tokens/s.`
  );
}

/** Why the last few requests showed nothing, and what the user can change. */
export function whyNothing(s: Pick<StatusInput, 'misses' | 'prefillRate'>): string | undefined {
  const misses = s.misses ?? [];
  if (misses.length < MISSES_EXPLAINED) return undefined;
  const last = misses[misses.length - 1];
  const head = `The last ${misses.length} completion requests showed nothing:`;
  switch (last.outcome) {
    case 'skipped':
      return `${head} completion is skipped here (${last.detail}).`;
    case 'timeout':
      return `${head} the time budget ran out before a whole line or word. Raise "bitnet.inline.timeBudgetMs".`;
    case 'empty':
      return `${head} the model had nothing to add here after the filters.`;
    case 'failed':
      return `${head} the engine failed (${last.detail}). See the BitNet log.`;
    default: {
      const p = last.progress ?? (last.stats && { done: last.stats.promptTokens, total: last.stats.promptTokens });
      const r = s.prefillRate;
      if (p && p.done < p.total) {
        const seconds = r ? ` (about ${Math.ceil((p.total - p.done) / r)} s more)` : '';
        return `${head} each pause ended while BitNet was reading ${p.total} tokens of context${rate(r)}${seconds}. Pause a little longer, or lower "bitnet.inline.promptTokens".`;
      }
      return `${head} each pause ended before the suggestion was ready. Pause a little longer, or lower "bitnet.inline.maxTokens".`;
    }
  }
}

function rate(tokensPerSecond: number | undefined): string {
  return tokensPerSecond ? ` at ${Math.round(tokensPerSecond)} tok/s` : '';
}

/** A busy state (reading, generating) shows only once it has lasted this long. */
export const BUSY_SHOW_DELAY_MS = 500;
const BUSY: ReadonlySet<EngineState> = new Set(['reading', 'generating']);

/**
 * The engine state the item shows: the current one, except that a new busy
 * state waits BUSY_SHOW_DELAY_MS, so a pause answered at once never blinks.
 */
export class ShownState {
  shown: EngineState = 'starting';
  private latest: EngineState = 'starting';
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `changed` hears when a delayed busy state comes on. */
  constructor(private readonly changed: () => void) {}

  set(engine: EngineState): void {
    this.latest = engine;
    if (!BUSY.has(engine) || BUSY.has(this.shown)) {
      this.dispose();
      this.shown = engine;
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.shown = this.latest;
        this.changed();
      }, BUSY_SHOW_DELAY_MS);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
