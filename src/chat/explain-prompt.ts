// The user turn for "BitNet: Explain selection": the instruction, then the
// selected code as a language-tagged fence with its file name and line range.
// A selection too long for the token budget is cut at a line boundary (or, for
// one enormous line, at a character) and the caller gets a note saying so.

export interface CodeSelection {
  code: string;
  /** VS Code language id, for example "typescript". */
  languageId: string;
  /** Shown to the model and the user; a workspace-relative path or a base name. */
  fileName: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The whole file, not a selection in it. */
  wholeFile?: boolean;
}

export interface ExplainTurn {
  text: string;
  /** Set when the selection was trimmed to fit. */
  note?: string;
}

export const DEFAULT_EXPLAIN_PROMPT = 'Explain what this code does, briefly and clearly.';

const FENCE_LANGUAGE: Record<string, string> = {
  typescriptreact: 'tsx',
  javascriptreact: 'jsx',
  shellscript: 'sh',
  plaintext: 'text',
};

/** The Markdown fence language for a VS Code language id. */
export function fenceLanguage(languageId: string): string {
  const tag = FENCE_LANGUAGE[languageId] ?? languageId;
  return /^[\w+#.-]{1,32}$/.test(tag) ? tag : 'text';
}

/** A fence longer than any backtick run inside the code, so it cannot be closed early. */
function fenceFor(code: string): string {
  // A loop, not Math.max(...runs): a selection with 150k backtick runs would overflow the stack.
  let longest = 0;
  let run = 0;
  for (let i = 0; i < code.length; i++) {
    run = code.charCodeAt(i) === 0x60 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return '`'.repeat(Math.max(3, longest + 1));
}

function lineRange(start: number, end: number): string {
  return start === end ? `line ${start}` : `lines ${start}–${end}`;
}

/** The code as the model and the user read it: where it is from, then a language-tagged fence. */
export function formatCodeContext(sel: CodeSelection): string {
  const fence = fenceFor(sel.code);
  const name = sel.fileName.replace(/`/g, '');
  return [`From \`${name}\`, ${lineRange(sel.startLine, sel.endLine)}:`, '', `${fence}${fenceLanguage(sel.languageId)}`, sel.code, fence].join('\n');
}

export function formatExplainTurn(instruction: string, sel: CodeSelection): string {
  return [instruction.trim() || DEFAULT_EXPLAIN_PROMPT, '', formatCodeContext(sel)].join('\n');
}

/** A message with code attached: the user's words, then each piece of code. */
export function formatTurnWithContext(text: string, attached: readonly CodeSelection[]): string {
  return [text, ...attached.map((sel) => formatCodeContext(sel))].join('\n\n');
}

/** The largest n in [lo, hi] with fits(n), or lo - 1 if none; fits must be monotone. */
async function largestFitting(lo: number, hi: number, fits: (n: number) => Promise<boolean>): Promise<number> {
  let best = lo - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (await fits(mid)) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

export interface FittedSelection {
  selection: CodeSelection;
  /** Says how it was cut, when it was. */
  note?: string;
}

/**
 * The selection, or as much of its start as `fits`: whole lines, or for one
 * enormous line as many characters as fit. `what` names it in the note.
 */
export async function fitSelection(sel: CodeSelection, fits: (s: CodeSelection) => Promise<boolean>, what = 'selection'): Promise<FittedSelection> {
  const code = sel.code.replace(/\r\n?/g, '\n');
  const lines = code.split('\n');
  const withLines = (n: number): CodeSelection => ({ ...sel, code: lines.slice(0, n).join('\n'), endLine: sel.startLine + n - 1 });

  const whole = withLines(lines.length);
  if (await fits(whole)) return { selection: whole };

  const keptLines = await largestFitting(1, lines.length - 1, (n) => fits(withLines(n)));
  if (keptLines >= 1) {
    return {
      selection: withLines(keptLines),
      note: `The ${what} was trimmed to its first ${keptLines} of ${lines.length} lines to fit the model's context.`,
    };
  }
  // Not even the first line fits: keep as many of its characters as do.
  const first = lines[0];
  const keptChars = Math.max(0, await largestFitting(0, first.length - 1, (n) => fits({ ...withLines(1), code: first.slice(0, n) })));
  return {
    selection: { ...withLines(1), code: first.slice(0, keptChars) },
    note: `The ${what} was trimmed to its first ${keptChars} characters to fit the model's context.`,
  };
}

export async function buildExplainTurn(
  sel: CodeSelection,
  instruction: string,
  budgetTokens: number,
  countTokens: (text: string) => Promise<number>,
): Promise<ExplainTurn> {
  const fits = async (s: CodeSelection) => (await countTokens(formatExplainTurn(instruction, s))) <= budgetTokens;
  const fitted = await fitSelection(sel, fits);
  return { text: formatExplainTurn(instruction, fitted.selection), ...(fitted.note ? { note: fitted.note } : {}) };
}
