// Trailing spaces and blank lines at the end of a suggestion are never what
// the user wants to accept; whitespace-only suggestions are not shown.
import type { Filter } from './filter';

export const trimTrailingWhitespace: Filter = (text) => {
  const trimmed = text.replace(/[ \t]+$/gm, '').replace(/\n+$/, '');
  return trimmed.trim() === '' ? '' : trimmed;
};
