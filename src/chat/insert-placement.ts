// Where "Insert" puts a code block from the chat, and how it is indented.
// Code goes in as whole lines on lines of their own, never glued to the text
// around the cursor: before the cursor's line when the cursor is at its start,
// after it otherwise, in place of a blank line, or in place of a selection.
// The block is re-indented to where it lands, in the editor's indentation.
// Plain TypeScript (positions are line/character pairs) so tests need no editor.

export interface Position {
  line: number;
  character: number;
}

export interface InsertSpot {
  /** The document's lines, without line endings. */
  lines: readonly string[];
  /** The selection (start before end); empty means a cursor. */
  start: Position;
  end: Position;
  /** One level of indentation in this editor: "\t" or some spaces. */
  indentUnit: string;
  eol: '\n' | '\r\n';
}

export interface PlannedInsert {
  /** Replace this range … */
  start: Position;
  end: Position;
  /** … with this text … */
  text: string;
  /** … and put the cursor here afterwards. */
  cursor: Position;
}

/** A line that opens a block: the next line is indented one level deeper. */
const OPENS_BLOCK = /[{[(:]\s*$|\b(?:do|then|else)\s*$/;

export function planInsert(code: string, spot: InsertSpot): PlannedInsert {
  const block = toLines(code);
  const { lines, start, end, eol } = spot;
  const isEmpty = start.line === end.line && start.character === end.character;

  if (!isEmpty) {
    const first = lines[start.line] ?? '';
    const last = lines[end.line] ?? '';
    // A selection of whole lines is replaced by whole lines at its indentation.
    const endsAtLineEnd = end.character >= last.length || (end.character === 0 && end.line > start.line);
    if (start.character <= indentOf(first).length && endsAtLineEnd) {
      const endLine = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
      const text = indentBlock(block, indentOf(first), spot.indentUnit).join(eol);
      return replaceLines(spot, start.line, endLine, text);
    }
    // Part of a line: the code takes its place, later lines at that line's indentation.
    const text = indentBlock(block, indentOf(first), spot.indentUnit).map((l, i) => (i === 0 ? l.trimStart() : l)).join(eol);
    return { start, end, text, cursor: after(start, text, eol) };
  }

  const line = lines[start.line] ?? '';
  if (line.trim() === '') {
    const indent = line !== '' ? line : indentAfter(lines, start.line, spot.indentUnit);
    return replaceLines(spot, start.line, start.line, indentBlock(block, indent, spot.indentUnit).join(eol));
  }
  if (start.character <= indentOf(line).length) {
    // At the start of a line: the block goes above it.
    const text = indentBlock(block, indentOf(line), spot.indentUnit).join(eol) + eol;
    const at = { line: start.line, character: 0 };
    return { start: at, end: at, text, cursor: { line: start.line + block.length - 1, character: lastLength(text, eol) } };
  }
  // Anywhere else: on the lines below, one level deeper after a block opener.
  const indent = indentOf(line) + (OPENS_BLOCK.test(line) ? spot.indentUnit : '');
  const text = eol + indentBlock(block, indent, spot.indentUnit).join(eol);
  const at = { line: start.line, character: line.length };
  return { start: at, end: at, text, cursor: after(at, text, eol) };
}

/** The code's lines: line endings normalised, no trailing blank lines, common indentation removed. */
function toLines(code: string): string[] {
  const lines = code.replace(/\r\n?/g, '\n').replace(/\s+$/, '').split('\n');
  const common = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => indentOf(l).length));
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(Number.isFinite(common) ? common : 0)));
}

/** Prefixes each non-blank line with `indent`, converting the block's own indentation to the editor's unit. */
function indentBlock(lines: readonly string[], indent: string, unit: string): string[] {
  const step = blockStep(lines);
  return lines.map((l) => {
    if (l === '') return '';
    const own = indentOf(l);
    const width = own.replace(/\t/g, ' '.repeat(step)).length;
    return indent + unit.repeat(Math.floor(width / step)) + ' '.repeat(width % step) + l.slice(own.length);
  });
}

/** The block's indentation step in columns: the smallest indentation of any line (tabs count as 4). */
function blockStep(lines: readonly string[]): number {
  const widths = lines.map((l) => (l === '' ? 0 : indentOf(l).replace(/\t/g, '    ').length)).filter((w) => w > 0);
  return widths.length > 0 ? Math.min(...widths) : 4;
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** The indentation a new line at `row` would get: the previous non-blank line's, one deeper after an opener. */
function indentAfter(lines: readonly string[], row: number, unit: string): string {
  for (let i = row - 1; i >= 0; i--) {
    if (lines[i].trim() !== '') return indentOf(lines[i]) + (OPENS_BLOCK.test(lines[i]) ? unit : '');
  }
  return '';
}

function replaceLines(spot: InsertSpot, first: number, last: number, text: string): PlannedInsert {
  const start = { line: first, character: 0 };
  const end = { line: last, character: (spot.lines[last] ?? '').length };
  return { start, end, text, cursor: after(start, text, spot.eol) };
}

/** Where the cursor is after `text` is typed at `at`. */
function after(at: Position, text: string, eol: string): Position {
  const parts = text.split(eol);
  return parts.length === 1
    ? { line: at.line, character: at.character + text.length }
    : { line: at.line + parts.length - 1, character: parts[parts.length - 1].length };
}

function lastLength(text: string, eol: string): number {
  const parts = text.split(eol);
  return parts.length >= 2 ? parts[parts.length - 2].length : text.length;
}
