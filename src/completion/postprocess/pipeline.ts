// The post-processing filters, in the order they run.
import { closerOnOwnLine } from './closer-on-own-line';
import { dropClosingBrackets } from './drop-closing-brackets';
import { dropRepeatedNextLines } from './drop-repeated-next-lines';
import type { Filter, FilterContext } from './filter';
import { normalizeIndentation } from './normalize-indentation';
import { stopAtBlockClose } from './stop-at-block-close';
import { stopAtRepetition } from './stop-at-repetition';
import { trimSuffixOverlap } from './trim-suffix-overlap';
import { trimTrailingWhitespace } from './trim-trailing-whitespace';
import { truncateToMode } from './truncate-to-mode';

export const FILTERS: readonly Filter[] = [
  stopAtRepetition,
  truncateToMode,
  stopAtBlockClose,
  dropRepeatedNextLines,
  trimSuffixOverlap,
  dropClosingBrackets,
  normalizeIndentation,
  trimTrailingWhitespace,
  closerOnOwnLine,
];

export function postProcess(text: string, ctx: FilterContext): string {
  let out = text;
  for (const filter of FILTERS) {
    out = filter(out, ctx);
    if (out === '') return '';
  }
  return out;
}
