import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { highlight } from '../../media/highlight';

const { document } = new JSDOM('').window;

function coloured(text: string, language: string) {
  const code = document.createElement('code');
  code.textContent = text;
  highlight(code as unknown as Element, language);
  const spans = Array.from(code.querySelectorAll('span')).map((s) => [s.className.replace('tok-', ''), s.textContent]);
  return { code, spans };
}

test('code keeps its exact text while keywords, strings, numbers and comments get theme colours', () => {
  const text = 'const answer = 42; // the answer\nif (x === "a\\"b") return null;';
  const { code, spans } = coloured(text, 'ts');
  assert.equal(code.textContent, text);
  assert.deepEqual(spans, [
    ['keyword', 'const'], ['number', '42'], ['comment', '// the answer'], ['keyword', 'if'], ['string', '"a\\"b"'], ['keyword', 'return'], ['literal', 'null'],
  ]);
});

test('hash-comment languages treat # as a comment and triple quotes as one string', () => {
  const { spans } = coloured('def f():\n    """doc\n    string"""\n    return True  # yes', 'python');
  assert.deepEqual(spans, [['keyword', 'def'], ['string', '"""doc\n    string"""'], ['keyword', 'return'], ['literal', 'True'], ['comment', '# yes']]);
});

test('markup-looking code stays text: only span elements are ever created', () => {
  const text = '<img src=x onerror="alert(1)"> <script>alert(1)</script>';
  const { code } = coloured(text, 'html');
  assert.equal(code.textContent, text);
  assert.deepEqual(Array.from(code.querySelectorAll('*')).map((e) => e.tagName), ['SPAN', 'SPAN']);
});

test('plain text and unknown-but-plain blocks are left alone', () => {
  for (const lang of ['', 'text', 'markdown']) assert.deepEqual(coloured('if true then 1', lang).spans, []);
});
