// Builds the model prompt for an inline completion. BitNet b1.58 2B4T has no
// fill-in-the-middle training, so the prompt is a plain continuation: a
// one-line header, then the tail of the text before the cursor (and, right
// after a block opener, the line break the body starts on: see promptLead).
// The suffix is left out of the prompt and used only in post-processing.
import { INITIAL_TOKENS_PER_SECOND } from '../engine/worker/prefill-meter';
import { COLD_PROMPT_SECONDS } from '../engine/protocol';
import { lineComment } from './comment-syntax';
import { completionMode, type CompletionMode } from './mode';
import type { DocumentSnapshot } from './snapshot';

/** Conservative characters per token for source text (Llama 3 averages ~3.5-4). */
export const CHARS_PER_TOKEN = 3;

/**
 * The prefix window starts on a line number that is a multiple of this, so
 * it stays put while the user types and the engine reuses its KV cache.
 */
export const WINDOW_STEP_LINES = 32;

/** A cold window moves in smaller steps: it is short, and is cheap to read again. */
export const COLD_WINDOW_STEP_LINES = 8;

/** Fewest and most tokens of a cold window (fewer gives the model too little to go on). */
export const COLD_WINDOW_TOKENS = { min: 48, max: 384 } as const;

/** A cold window is offered only when it is at most this share of the full budget. */
export const COLD_WINDOW_WORTH = 0.75;

/** Tokens of document a cold window holds: what this CPU reads in COLD_PROMPT_SECONDS. */
export function coldWindowTokens(prefillTokensPerSecond: number | undefined): number {
  const tokens = Math.floor((prefillTokensPerSecond ?? INITIAL_TOKENS_PER_SECOND) * COLD_PROMPT_SECONDS);
  return Math.min(COLD_WINDOW_TOKENS.max, Math.max(COLD_WINDOW_TOKENS.min, tokens));
}

/**
 * Text the prompt holds past the cursor; the suggestion starts with it.
 * Right after a block opener it is the line break the body starts on:
 * Llama 3's tokenizer writes an opener and its line break as one token
 * (` {\n`, `):\n`), so in the code the model learnt from, the token ` {`
 * is followed by more text on the same line, almost never by a line break.
 * Ending the prompt with ` {\n` asks for the body the way such code reads.
 */
export function promptLead(mode: CompletionMode): string {
  return mode.kind === 'block-body' ? '\n' : '';
}

export interface Prompt {
  text: string;
  /** Where the document prefix starts inside the prompt text. */
  prefixStart: number;
}

/** The prompt for a completion at the cursor: the text before it, and the lead its mode asks for. */
export function promptAt(doc: DocumentSnapshot, budgetTokens: number, stepLines = WINDOW_STEP_LINES): Prompt {
  return buildPrompt({ ...doc, prefix: doc.prefix + promptLead(completionMode(doc)) }, budgetTokens, stepLines);
}

export function buildPrompt(doc: Pick<DocumentSnapshot, 'path' | 'languageId' | 'prefix'>, budgetTokens: number, stepLines = WINDOW_STEP_LINES): Prompt {
  const header = promptHeader(doc.path, doc.languageId);
  const budget = Math.max(0, budgetTokens * CHARS_PER_TOKEN - header.length);
  const window = stableWindow(doc.prefix, budget, stepLines);
  return { text: header + window, prefixStart: header.length };
}

export function promptHeader(path: string, languageId: string): string {
  const marker = lineComment(languageId);
  if (marker) return `${marker} File: ${path} (${languageId})\n`;
  if (languageId === 'markdown' || languageId === 'html' || languageId === 'xml') return `<!-- File: ${path} -->\n`;
  return '';
}

/** The longest tail of `prefix` within `budget` chars that starts on a stable line. */
export function stableWindow(prefix: string, budget: number, stepLines = WINDOW_STEP_LINES): string {
  if (prefix.length <= budget) return prefix;
  const lineStarts = [0];
  for (let i = prefix.indexOf('\n'); i >= 0; i = prefix.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  // The first line whose start leaves at most `budget` chars.
  let first = lineStarts.findIndex((start) => prefix.length - start <= budget);
  if (first < 0) return prefix.slice(prefix.length - budget); // one very long line
  // A short window moves in shorter steps, so rounding never costs it more than a quarter of its lines.
  const step = Math.min(stepLines, Math.max(1, Math.floor((lineStarts.length - first) / 4)));
  first = Math.min(Math.ceil(first / step) * step, lineStarts.length - 1);
  return prefix.slice(lineStarts[first]);
}
