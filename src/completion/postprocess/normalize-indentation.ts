// Re-indent the suggestion in the editor's style (tabs or N spaces), so an
// accepted suggestion never mixes indentation with the file.
import type { Filter } from './filter';

export const normalizeIndentation: Filter = (text, ctx) => {
  const lines = text.split('\n');
  const startsLine = ctx.lineBefore.trim() === '';
  return lines.map((line, i) => (i > 0 || startsLine ? reindent(line, ctx.tabSize, ctx.insertSpaces) : line)).join('\n');
};

function reindent(line: string, tabSize: number, insertSpaces: boolean): string {
  const lead = /^[ \t]*/.exec(line)![0];
  if (lead === '') return line;
  let width = 0;
  for (const ch of lead) width = ch === '\t' ? width + tabSize - (width % tabSize) : width + 1;
  const indent = insertSpaces ? ' '.repeat(width) : '\t'.repeat(Math.floor(width / tabSize)) + ' '.repeat(width % tabSize);
  return indent + line.slice(lead.length);
}
