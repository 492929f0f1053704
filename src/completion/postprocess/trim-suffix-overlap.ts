// When the cursor has text to its right, the model often writes that text
// again at the end of its line ("foo(|)" → "a, b)"). Remove the overlap.
import type { Filter } from './filter';

export const trimSuffixOverlap: Filter = (text, ctx) => {
  const after = ctx.lineAfter;
  if (after === '' || text.includes('\n')) return text;
  for (let k = after.length; k > 0; k--) {
    if (text.endsWith(after.slice(0, k))) return text.slice(0, text.length - k);
  }
  return text;
};
