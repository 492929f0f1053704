// Line-comment markers per VS Code language id: used for the prompt header
// and to tell whether the cursor sits inside a line comment.

const SLASHES = ['c', 'cpp', 'csharp', 'java', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact',
  'go', 'rust', 'swift', 'kotlin', 'scala', 'php', 'dart', 'objective-c', 'objective-cpp', 'groovy', 'zig',
  'jsonc', 'proto', 'solidity', 'vue', 'svelte'];
const HASH = ['python', 'ruby', 'shellscript', 'perl', 'r', 'yaml', 'toml', 'dockerfile', 'makefile',
  'powershell', 'elixir', 'julia', 'coffeescript', 'nim', 'crystal', 'graphql', 'cmake', 'properties'];
const DASHES = ['sql', 'lua', 'haskell', 'elm', 'ada'];

const table = new Map<string, string>([
  ...SLASHES.map((id) => [id, '//'] as const),
  ...HASH.map((id) => [id, '#'] as const),
  ...DASHES.map((id) => [id, '--'] as const),
  ['clojure', ';'], ['lisp', ';'], ['scheme', ';'], ['vb', "'"], ['latex', '%'], ['tex', '%'], ['erlang', '%'],
  ['matlab', '%'], ['fortran', '!'], ['bat', 'REM'],
]);

export function lineComment(languageId: string): string | undefined {
  return table.get(languageId);
}

/** True when the text before the cursor on its line is inside a line comment. */
export function inLineComment(lineBefore: string, languageId: string): boolean {
  const marker = lineComment(languageId);
  if (!marker) return false;
  const at = lineBefore.indexOf(marker);
  if (at < 0) return false;
  // A marker inside a string literal does not start a comment.
  const quotes = (lineBefore.slice(0, at).match(/["'`]/g) ?? []).length;
  return quotes % 2 === 0;
}
