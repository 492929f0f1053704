// The cursor right after a block opener, where the block's body belongs on
// lines of its own below: `function f() {|}` (the editor has already typed the
// closing brace right of the cursor) or `def f(x):|` in Python (a colon block
// closes by indentation alone). `(` and `[` do not count: `foo(|)` and `[|]`
// hold arguments and elements, which belong on the cursor's line.

/** Languages whose blocks open with a colon at the end of a line. */
const COLON_BLOCK_LANGUAGES: ReadonlySet<string> = new Set(['python']);

/**
 * What the editor leaves right of the cursor after it auto-closes `{`: the
 * brace, perhaps closing an enclosing call or statement too (`});`, `},`).
 */
const AUTO_CLOSED_BRACE = /^\}[)\]}]*[;,]?$/;

export interface BlockOpener {
  /** The bracket right of the cursor that closes the block, if the language has one. */
  closer: string | undefined;
}

/**
 * The block the cursor has just opened, given the cursor's line before and
 * after it. The opener must end `before` exactly: `{ |}` or `def f(): |` ask
 * for something on the same line.
 */
export function blockOpenerAt(before: string, after: string, languageId: string): BlockOpener | undefined {
  const rest = after.trim();
  // `${|}` in a template literal opens an expression, not a block.
  if (before.endsWith('{') && !before.endsWith('${') && AUTO_CLOSED_BRACE.test(rest)) return { closer: '}' };
  if (before.endsWith(':') && rest === '' && COLON_BLOCK_LANGUAGES.has(languageId)) return { closer: undefined };
  return undefined;
}

/**
 * The cursor at the start of a line that holds only a block's closer, where
 * accepting a body leaves it (`{\n  body\n|}`): anything suggested there
 * would land on the closer's line, before it.
 */
export function beforeBlockCloser(before: string, after: string): boolean {
  return before.trim() === '' && AUTO_CLOSED_BRACE.test(after.trim());
}
