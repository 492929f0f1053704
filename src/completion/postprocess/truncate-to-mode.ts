// Single-line mode keeps the first line. The multi-line modes keep the block
// body: they stop before the first line whose indentation returns to the
// opener's level (the closing bracket usually follows the cursor already).
import { indentWidth } from '../snapshot';
import type { Filter } from './filter';

export const truncateToMode: Filter = (text, ctx) => {
  const lines = text.split('\n');
  if (ctx.mode.kind === 'single-line') return lines[0];
  const { openerIndent } = ctx.mode;
  const end = lines.findIndex((line, i) => i > 0 && line.trim() !== '' && indentWidth(line, ctx.tabSize) <= openerIndent);
  // On an empty line inside the block, the first line continues the cursor's line: judge it by its own indentation.
  // (Right after an opener, the first line is the rest of the opener's own line.)
  const first = ctx.lineBefore + lines[0];
  if (ctx.mode.kind === 'multi-line' && lines[0].trim() !== '' && indentWidth(first, ctx.tabSize) <= openerIndent) return '';
  return (end < 0 ? lines : lines.slice(0, end)).join('\n');
};
