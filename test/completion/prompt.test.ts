import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPrompt, CHARS_PER_TOKEN, promptHeader, stableWindow, WINDOW_STEP_LINES } from '../../src/completion/prompt';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`).join('\n');

test('the prompt is a header naming the file and language, then the text before the cursor', () => {
  const p = buildPrompt({ path: 'src/a.ts', languageId: 'typescript', prefix: 'const x = ' }, 1024);
  assert.equal(p.text, '// File: src/a.ts (typescript)\nconst x = ');
  assert.equal(p.text.slice(p.prefixStart), 'const x = ');
});

test('languages without line comments get an HTML comment header or none', () => {
  assert.equal(promptHeader('README.md', 'markdown'), '<!-- File: README.md -->\n');
  assert.equal(promptHeader('notes.txt', 'plaintext'), '');
  assert.equal(promptHeader('a.py', 'python'), '# File: a.py (python)\n');
});

test('a prefix within budget is used whole', () => {
  assert.equal(stableWindow('abc\ndef', 100), 'abc\ndef');
});

test('a long prefix is cut at a line start and fits the budget', () => {
  const prefix = lines(1000);
  const window = stableWindow(prefix, 2000);
  assert.ok(window.length <= 2000);
  assert.ok(prefix.endsWith(window));
  assert.ok(window.startsWith('line '));
});

test('the window start stays put while the user types on', () => {
  // Typing adds text at the end: the window must keep its first line so the KV cache is reused.
  let prefix = lines(600);
  const start = stableWindow(prefix, 4000).split('\n')[0];
  let kept = 0;
  for (let i = 0; i < 50; i++) {
    prefix += i % 10 === 9 ? '\nx' : 'x';
    if (stableWindow(prefix, 4000).split('\n')[0] === start) kept++;
  }
  assert.ok(kept >= 45, `window start changed on ${50 - kept} of 50 keystrokes`);
  const first = Number(start.split(' ')[1]);
  assert.equal(first % WINDOW_STEP_LINES, 0);
});

test('a single enormous line is cut to the budget', () => {
  const prefix = 'x'.repeat(10_000);
  assert.equal(stableWindow(prefix, 300).length, 300);
});

test('the token budget bounds the prompt length', () => {
  const p = buildPrompt({ path: 'a.ts', languageId: 'typescript', prefix: lines(5000) }, 1024);
  assert.ok(p.text.length <= 1024 * CHARS_PER_TOKEN);
});
