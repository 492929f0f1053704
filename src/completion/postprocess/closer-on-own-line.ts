// Inside `{|}` the suggestion goes between the opener and the closing bracket
// the editor already typed. End it with a line break and the opener line's
// indentation, so that once accepted the existing closer sits on a line of its
// own, lined up with the opener's line: `function f() {\n  body\n}`. (VS Code
// draws the rest of the cursor's line after the last line of a multi-line
// suggestion, so the ghost text reads the same way.) Runs last, after the
// trailing whitespace is trimmed.
import type { Filter } from './filter';

export const closerOnOwnLine: Filter = (text, ctx) => {
  if (ctx.mode.kind !== 'block-body' || ctx.mode.closer === undefined) return text;
  const openerIndentation = /^[ \t]*/.exec(ctx.lineBefore)![0];
  return `${text}\n${openerIndentation}`;
};
