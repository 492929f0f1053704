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
