import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planInsert, type InsertSpot, type Position } from '../../src/chat/insert-placement';

/** Applies the plan to the text, with `|` marking the cursor (or `[` … `]` a selection) in `before`. */
function insert(before: string, code: string, unit = '    '): string {
  const lines = before.replace(/[|[\]]/g, '').split('\n');
  const at = (marker: string): Position | undefined => {
    const offset = before.replace(marker === '|' ? /[[\]]/g : /[|]/g, '').replace(marker === ']' ? /\[/g : /\]/g, '').indexOf(marker);
    if (offset < 0) return undefined;
    const head = before.replace(/[|[\]]/g, '').slice(0, offset).split('\n');
    return { line: head.length - 1, character: head[head.length - 1].length };
  };
  const cursor = at('|');
  const start = cursor ?? at('[')!;
  const end = cursor ?? adjustEnd(before);
  const spot: InsertSpot = { lines, start, end, indentUnit: unit, eol: '\n' };
  const plan = planInsert(code, spot);
  const offsetOf = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const text = lines.join('\n');
  const after = text.slice(0, offsetOf(plan.start)) + plan.text + text.slice(offsetOf(plan.end));
  const afterLines = after.split('\n');
  const c = afterLines.slice(0, plan.cursor.line).reduce((n, l) => n + l.length + 1, 0) + plan.cursor.character;
  return `${after.slice(0, c)}|${after.slice(c)}`;
}

/** The selection's end in the text without markers. */
function adjustEnd(before: string): Position {
  const plain = before.replace('[', '').replace(/\|/g, '');
  const offset = plain.indexOf(']');
  const head = plain.slice(0, offset).split('\n');
  return { line: head.length - 1, character: head[head.length - 1].length };
}

const block = 'function double(n) {\n  return n * 2;\n}\n';

test('at the start of a line, the code goes on lines of its own above it', () => {
  assert.equal(insert('const a = 1;\n|// scratch\n', block), 'const a = 1;\nfunction double(n) {\n    return n * 2;\n}|\n// scratch\n');
});

test('at the end of a line, the code goes on the lines below it', () => {
  assert.equal(insert('const a = 1;|\n// scratch', 'const b = 2;'), 'const a = 1;\nconst b = 2;|\n// scratch');
});

test('in the middle of a line, the line is never split', () => {
  assert.equal(insert('const a| = 1;', 'const b = 2;'), 'const a = 1;\nconst b = 2;|');
});

test('after a block opener the code is indented one level deeper', () => {
  assert.equal(insert('  if (x) {|\n  }', 'go();\nstop();'), '  if (x) {\n      go();\n      stop();|\n  }');
  assert.equal(insert('def f():|', 'return 1', '    '), 'def f():\n    return 1|');
});

test('on a blank line the code takes that line, at its indentation or the one the block needs', () => {
  assert.equal(insert('  a();\n  |\n  b();', 'x();\ny();'), '  a();\n  x();\n  y();|\n  b();');
  assert.equal(insert('class A {\n|\n}', 'm() {}', '\t'), 'class A {\n\tm() {}|\n}');
});

test('a selection of whole lines is replaced by the code at its indentation', () => {
  assert.equal(insert('a();\n    [old();\n    older();]\nb();', 'new1();\nnew2();'), 'a();\n    new1();\n    new2();|\nb();');
});

test('a selection inside a line is replaced in place', () => {
  assert.equal(insert('const x = [42];', 'compute()'), 'const x = compute()|;');
});

test("the code's own indentation is converted to the editor's: spaces to tabs, 4 to 2", () => {
  const python = 'def f(n):\n    if n:\n        return 1\n    return 0\n';
  assert.equal(insert('|', python, '\t'), 'def f(n):\n\tif n:\n\t\treturn 1\n\treturn 0|');
  assert.equal(insert('|', python, '  '), 'def f(n):\n  if n:\n    return 1\n  return 0|');
});

test('common indentation is removed and trailing blank lines and CRLF endings are dropped', () => {
  assert.equal(insert('|x', '        a();\r\n\r\n        b();\r\n\r\n'), 'a();\n\nb();|\nx');
});
