// Single-line or multi-line: how much to suggest at this cursor position.
import { blockOpenerAt } from './block-opener';
import { inLineComment } from './comment-syntax';
import { indentWidth, lineAroundCursor, type DocumentSnapshot } from './snapshot';

export type CompletionMode =
  | { kind: 'single-line' }
  /** Complete a block body; stop when indentation returns to `openerIndent` or less. */
  | { kind: 'multi-line'; openerIndent: number }
  /**
   * The cursor sits right after a block opener (`function f() {|}`): the body
   * goes on lines of its own below the opener's line, and stops where
   * indentation returns to `openerIndent` or less, or where the block closes.
   * `closer` is the bracket the editor already typed right of the cursor: it
   * ends up on its own line after the body.
   */
  | { kind: 'block-body'; openerIndent: number; closer: string | undefined };

const BLOCK_OPENER = /(\{|\(|\[|:|=>|\bthen|\bdo|\bbegin)\s*$/;

export function completionMode(doc: DocumentSnapshot): CompletionMode {
  const { before, after } = lineAroundCursor(doc);
  if (inLineComment(before, doc.languageId)) return { kind: 'single-line' };
  const opened = blockOpenerAt(before, after, doc.languageId);
  if (opened) return { kind: 'block-body', openerIndent: indentWidth(before, doc.tabSize), closer: opened.closer };
  if (after.trim() !== '') return { kind: 'single-line' };
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
