// Builds the model prompt for an inline completion. BitNet b1.58 2B4T has no
// fill-in-the-middle training, so the prompt is a plain continuation: a
// one-line header, then the tail of the text before the cursor. The suffix
// is left out of the prompt and used only in post-processing.
import { lineComment } from './comment-syntax';
import type { DocumentSnapshot } from './snapshot';

/** Conservative characters per token for source text (Llama 3 averages ~3.5-4). */
export const CHARS_PER_TOKEN = 3;

/**
 * The prefix window starts on a line number that is a multiple of this, so
 * it stays put while the user types and the engine reuses its KV cache.
 */
export const WINDOW_STEP_LINES = 32;

export interface Prompt {
  text: string;
  /** Where the document prefix starts inside the prompt text. */
  prefixStart: number;
}

export function buildPrompt(doc: Pick<DocumentSnapshot, 'path' | 'languageId' | 'prefix'>, budgetTokens: number): Prompt {
  const header = promptHeader(doc.path, doc.languageId);
  const budget = Math.max(0, budgetTokens * CHARS_PER_TOKEN - header.length);
  const window = stableWindow(doc.prefix, budget);
  return { text: header + window, prefixStart: header.length };
}

export function promptHeader(path: string, languageId: string): string {
  const marker = lineComment(languageId);
  if (marker) return `${marker} File: ${path} (${languageId})\n`;
  if (languageId === 'markdown' || languageId === 'html' || languageId === 'xml') return `<!-- File: ${path} -->\n`;
  return '';
}

/** The longest tail of `prefix` within `budget` chars that starts on a stable line. */
export function stableWindow(prefix: string, budget: number): string {
  if (prefix.length <= budget) return prefix;
  const lineStarts = [0];
  for (let i = prefix.indexOf('\n'); i >= 0; i = prefix.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  // The first line whose start leaves at most `budget` chars.
  let first = lineStarts.findIndex((start) => prefix.length - start <= budget);
  if (first < 0) return prefix.slice(prefix.length - budget); // one very long line
  first = Math.min(Math.ceil(first / WINDOW_STEP_LINES) * WINDOW_STEP_LINES, lineStarts.length - 1);
  return prefix.slice(lineStarts[first]);
}
