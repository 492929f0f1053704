// Inside `{|}` the editor has already typed the block's closing brace, so the
// model's own closer must not be suggested too. Cut the body where its
// brackets close the block, also when the model closes it on a body line
// (`  return x; }`) or at an indentation the opener's line does not have.
// Brackets inside quotes on a line do not count.
import type { Filter } from './filter';

const OPENER_OF: Readonly<Record<string, string>> = { '}': '{', ')': '(', ']': '[' };
const QUOTES = new Set(['"', "'", '`']);

export const stopAtBlockClose: Filter = (text, ctx) => {
  if (ctx.mode.kind !== 'block-body' || ctx.mode.closer === undefined) return text;
  const at = blockCloseIndex(text, OPENER_OF[ctx.mode.closer], ctx.mode.closer);
  return at < 0 ? text : text.slice(0, at);
};

/** Where `closer` first closes the block `text` is the body of, or -1. */
function blockCloseIndex(text: string, opener: string, closer: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote || (ch === '\n' && quote !== '`')) quote = undefined;
    } else if (QUOTES.has(ch)) quote = ch;
    else if (ch === opener) depth++;
    else if (ch === closer && --depth < 0) return i;
  }
  return -1;
}
