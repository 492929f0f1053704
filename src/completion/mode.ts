// Single-line or multi-line: how much to suggest at this cursor position.
import { inLineComment } from './comment-syntax';
import { indentWidth, lineAroundCursor, type DocumentSnapshot } from './snapshot';

export type CompletionMode =
  | { kind: 'single-line' }
  /** Complete a block body; stop when indentation returns to `openerIndent` or less. */
  | { kind: 'multi-line'; openerIndent: number };

const BLOCK_OPENER = /(\{|\(|\[|:|=>|\bthen|\bdo|\bbegin)\s*$/;

export function completionMode(doc: DocumentSnapshot): CompletionMode {
  const { before, after } = lineAroundCursor(doc);
  if (after.trim() !== '') return { kind: 'single-line' };
  if (inLineComment(before, doc.languageId)) return { kind: 'single-line' };
  if (before.trim() !== '') return { kind: 'single-line' };
  const opener = previousNonEmptyLine(doc.prefix);
  if (opener === undefined || !BLOCK_OPENER.test(opener)) return { kind: 'single-line' };
  return { kind: 'multi-line', openerIndent: indentWidth(opener, doc.tabSize) };
}

function previousNonEmptyLine(prefix: string): string | undefined {
  const lines = prefix.split('\n');
  lines.pop(); // the cursor's own line
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim() !== '') return lines[i];
  return undefined;
}
