// Trailing spaces, carriage returns and blank lines at the end of a
// suggestion are never what the user wants to accept; whitespace-only
// suggestions are not shown. (A model trained on Windows files writes `\r`
// before its line breaks; single-line generation stops at the `\n`.)
import type { Filter } from './filter';

export const trimTrailingWhitespace: Filter = (text) => {
  const trimmed = text.replace(/[ \t\r]+$/gm, '').replace(/\n+$/, '');
  return trimmed.trim() === '' ? '' : trimmed;
};
