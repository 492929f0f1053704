// What became of one inline-completion request, for the log and the status:
// the answer to "why does nothing happen?".
import type { GenerationStats, PromptProgress } from '../engine/protocol';

export type CompletionOutcome =
  /** A suggestion was handed to the editor. */
  | 'shown'
  /** The editor withdrew the request (the user typed on, or moved). */
  | 'cancelled'
  /** The time budget ran out before a complete line or word. */
  | 'timeout'
  /** The model's text was empty after the filters. */
  | 'empty'
  /** Not asked at all (a rule said no: sensitive file, selection, …). */
  | 'skipped'
  | 'failed';

export interface CompletionReport {
  /** Counts requests since the extension started. */
  id: number;
  trigger: 'typing' | 'explicit';
  outcome: CompletionOutcome;
  /** Why it was skipped, or the error. */
  detail?: string;
  /** Where the suggestion came from. */
  source?: 'cache' | 'in-flight' | 'model';
  /** From the request to its end. */
  ms: number;
  /** Characters shown. */
  chars?: number;
  /** The engine's figures for the generation that served the request, if it has ended. */
  stats?: GenerationStats;
  /** How far the prompt had been read when the request ended, if it was still reading. */
  progress?: PromptProgress;
}

/** One log line: trigger, prompt tokens, tokens reused, prefill ms, first-token ms, tokens generated, outcome. */
export function formatReport(r: CompletionReport): string {
  const parts = [`#${r.id} ${r.trigger}: ${r.outcome}${r.detail ? ` (${r.detail})` : ''} after ${ms(r.ms)}`];
  if (r.source && r.source !== 'model') parts.push(`from the ${r.source === 'cache' ? 'suggestion cache' : 'generation already running'}`);
  if (r.chars !== undefined) parts.push(`${r.chars} chars shown`);
  const s = r.stats;
  if (s) {
    const window = s.window === 'cold' ? ', short cold window' : '';
    parts.push(`prompt ${s.promptTokens} tokens (${s.reusedTokens} reused${window})`);
    parts.push(`prefill ${ms(s.prefillMs)}${rate(s.prefillTokensPerSecond)}`);
    parts.push(s.firstTokenMs > 0 ? `first token ${ms(s.firstTokenMs)}` : 'no token');
    parts.push(`${s.generatedTokens} tokens generated, ended by ${s.stopReason}`);
  } else if (r.progress) {
    parts.push(`prompt read ${r.progress.done} of ${r.progress.total} tokens (reading goes on in the background)`);
  }
  return parts.join(' · ');
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

function rate(tokensPerSecond: number | undefined): string {
  return tokensPerSecond ? ` at ${Math.round(tokensPerSecond)} tok/s` : '';
}
