// Editors auto-close brackets and quotes, so the closers the model writes at
// the end of a line are often already right of the cursor. Drop the trailing
// closers that the text after the cursor begins with.
import type { Filter } from './filter';

const CLOSERS = new Set([')', ']', '}', '"', "'", '`', '>', ';', ',']);

export const dropClosingBrackets: Filter = (text, ctx) => {
  if (text.includes('\n')) return text;
  const following = ctx.lineAfter.replace(/\s+/g, '');
  if (following === '') return text;
  let end = text.length;
  while (end > 0 && CLOSERS.has(text[end - 1])) end--;
  const trailing = text.slice(end);
  // Keep closers the line after the cursor does not already provide.
  for (let i = 0; i < trailing.length; i++) {
    if (following.startsWith(trailing.slice(i))) return text.slice(0, end + i);
  }
  return text;
};
