import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPrompt, CHARS_PER_TOKEN, COLD_WINDOW_STEP_LINES, COLD_WINDOW_TOKENS, coldWindowTokens, promptHeader, stableWindow, WINDOW_STEP_LINES } from '../../src/completion/prompt';
import { INITIAL_TOKENS_PER_SECOND } from '../../src/engine/worker/prefill-meter';
import { COLD_PROMPT_SECONDS } from '../../src/engine/protocol';

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
  let start = stableWindow(prefix, 4000).split('\n')[0];
  let moves = 0;
  for (let i = 0; i < 200; i++) {
    prefix += i % 10 === 9 ? '\nx' : 'x';
    const now = stableWindow(prefix, 4000).split('\n')[0];
    if (now !== start) moves++;
    start = now;
    assert.equal(Number(now.split(' ')[1]) % WINDOW_STEP_LINES, 0);
  }
  // 200 keystrokes add about 20 lines; the start moves in 32-line steps.
  assert.ok(moves <= 1, `window start moved ${moves} times in 200 keystrokes`);
});

test('a single enormous line is cut to the budget', () => {
  const prefix = 'x'.repeat(10_000);
  assert.equal(stableWindow(prefix, 300).length, 300);
});

test('the token budget bounds the prompt length', () => {
  const p = buildPrompt({ path: 'a.ts', languageId: 'typescript', prefix: lines(5000) }, 1024);
  assert.ok(p.text.length <= 1024 * CHARS_PER_TOKEN);
});

test('the cold window holds what this CPU reads in about a second, within sensible bounds', () => {
  assert.equal(coldWindowTokens(200), 200 * COLD_PROMPT_SECONDS);
  assert.equal(coldWindowTokens(undefined), INITIAL_TOKENS_PER_SECOND * COLD_PROMPT_SECONDS, 'before the rate is measured: a slow CPU');
  assert.equal(coldWindowTokens(5), COLD_WINDOW_TOKENS.min, 'never too little for the model to go on');
  assert.equal(coldWindowTokens(50_000), COLD_WINDOW_TOKENS.max);
});

test('a cold window is the tail of the full one, on a line start', () => {
  const doc = { path: 'src/a.ts', languageId: 'typescript', prefix: lines(400) + '\nconst x = ' };
  const full = buildPrompt(doc, 1024).text;
  const cold = buildPrompt(doc, 100, COLD_WINDOW_STEP_LINES).text;
  const header = promptHeader(doc.path, doc.languageId);
  assert.ok(cold.length <= 100 * CHARS_PER_TOKEN && cold.length < full.length);
  assert.ok(cold.startsWith(header) && full.endsWith(cold.slice(header.length)));
  assert.match(cold.slice(header.length), /^line \d+\n/);
});
