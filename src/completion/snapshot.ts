// What the completion pipeline knows about the editor at one keystroke: a
// plain snapshot, so every stage is a pure function testable without VS Code.

export interface DocumentSnapshot {
  /** Workspace-relative path (or file name) shown to the model in the header. */
  path: string;
  languageId: string;
  /** Text before the cursor, the whole document prefix. */
  prefix: string;
  /** Text after the cursor, the whole document suffix. */
  suffix: string;
  /** Editor indentation: tab size and whether Tab inserts spaces. */
  tabSize: number;
  insertSpaces: boolean;
}

/** The current line split at the cursor. */
export function lineAroundCursor(doc: Pick<DocumentSnapshot, 'prefix' | 'suffix'>): { before: string; after: string } {
  const before = doc.prefix.slice(doc.prefix.lastIndexOf('\n') + 1);
  const end = doc.suffix.indexOf('\n');
  const after = end < 0 ? doc.suffix : doc.suffix.slice(0, end);
  return { before, after };
}

/** The lines after the cursor's line. */
export function nextLines(doc: Pick<DocumentSnapshot, 'suffix'>, count: number): string[] {
  const end = doc.suffix.indexOf('\n');
  if (end < 0) return [];
  return doc.suffix.slice(end + 1).split('\n').slice(0, count);
}

/** Leading whitespace of a line, measured in columns. */
export function indentWidth(line: string, tabSize: number): number {
  let width = 0;
  for (const ch of line) {
    if (ch === ' ') width += 1;
    else if (ch === '\t') width += tabSize - (width % tabSize);
    else break;
  }
  return width;
}
