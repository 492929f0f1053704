import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionMode } from '../../src/completion/mode';
import type { DocumentSnapshot } from '../../src/completion/snapshot';

function at(text: string, languageId = 'typescript'): DocumentSnapshot {
  const [prefix, suffix] = text.split('|');
  return { path: 'a', languageId, prefix, suffix, tabSize: 4, insertSpaces: true };
}

test('text right of the cursor means a single line', () => {
  assert.deepEqual(completionMode(at('foo(|);')), { kind: 'single-line' });
});

test('inside a line comment means a single line', () => {
  assert.deepEqual(completionMode(at('// explain |')), { kind: 'single-line' });
  assert.deepEqual(completionMode(at('x = 1 # note |', 'python')), { kind: 'single-line' });
});

test('a comment marker inside a string does not count', () => {
  assert.deepEqual(completionMode(at('const url = "http://|')), { kind: 'single-line' });
});

test('an empty line after an opening brace asks for the block body', () => {
  assert.deepEqual(completionMode(at('  function f() {\n    |\n  }')), { kind: 'multi-line', openerIndent: 2 });
});

test('an empty line after a Python colon asks for the block body', () => {
  assert.deepEqual(completionMode(at('def f(x):\n    |', 'python')), { kind: 'multi-line', openerIndent: 0 });
});

test('an empty line after an ordinary statement is a single line', () => {
  assert.deepEqual(completionMode(at('x = 1;\n|')), { kind: 'single-line' });
});

test('right after an opening brace the editor closed, the block body is asked for below the opener', () => {
  assert.deepEqual(completionMode(at('function f() {|}')), { kind: 'block-body', openerIndent: 0, closer: '}' });
  assert.deepEqual(completionMode(at('  items.forEach((x) => {|});')), { kind: 'block-body', openerIndent: 2, closer: '}' });
  assert.deepEqual(completionMode(at('const o = {|},')), { kind: 'block-body', openerIndent: 0, closer: '}' });
});

test('right after a Python colon at the end of a line, the block body is asked for, with nothing to close', () => {
  assert.deepEqual(completionMode(at('    def f(self):|\n', 'python')), { kind: 'block-body', openerIndent: 4, closer: undefined });
});

test("a call's or a list's brackets stay a single line of arguments or elements", () => {
  assert.deepEqual(completionMode(at('foo(|)')), { kind: 'single-line' });
  assert.deepEqual(completionMode(at('const xs = [|];')), { kind: 'single-line' });
});

test('a brace with more than its closers after it, or a space typed inside it, stays single-line', () => {
  assert.deepEqual(completionMode(at('if (x) {|} else {}')), { kind: 'single-line' });
  assert.deepEqual(completionMode(at('const {|} = props;')), { kind: 'single-line' });
  assert.deepEqual(completionMode(at('const o = { |}')), { kind: 'single-line' });
});

test("a template literal's ${|}, a brace in a string or in a comment, and a colon outside Python stay single-line", () => {
  assert.deepEqual(completionMode(at('const s = `${|}`;')), { kind: 'single-line' });
  assert.deepEqual(completionMode(at('const re = "{|}";')), { kind: 'single-line' });
  assert.deepEqual(completionMode(at('// see f() {|}')), { kind: 'single-line' });
  assert.deepEqual(completionMode(at('  case 1:|')), { kind: 'single-line' });
});
