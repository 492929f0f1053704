import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildExplainTurn, fenceLanguage, formatExplainTurn, type CodeSelection } from '../../src/chat/explain-prompt';
import { wordTokens } from './fakes';

const count = async (t: string) => wordTokens(t);
const sel = (code: string, extra: Partial<CodeSelection> = {}): CodeSelection => ({
  code, languageId: 'python', fileName: 'pkg/util.py', startLine: 10, endLine: 10 + code.split('\n').length - 1, ...extra,
});

test('the explain turn has the instruction, file name, line range and a language-tagged fence', () => {
  assert.equal(
    formatExplainTurn('Explain what this code does.', sel('def f(x):\n    return x * 2')),
    'Explain what this code does.\n\nFrom `pkg/util.py`, lines 10–11:\n\n```python\ndef f(x):\n    return x * 2\n```',
  );
});

test('a one-line selection says "line", not a range', () => {
  assert.match(formatExplainTurn('Explain.', sel('x = 1')), /From `pkg\/util\.py`, line 10:/);
});

test('an empty instruction falls back to the default prompt', () => {
  assert.match(formatExplainTurn('   ', sel('x = 1')), /^Explain what this code does, briefly and clearly\./);
});

test('code containing backtick fences gets a longer fence so it cannot break out', () => {
  const text = formatExplainTurn('Explain.', sel('doc = """\n```js\nalert(1)\n```\n"""', { languageId: 'markdown' }));
  assert.match(text, /\n````markdown\n/);
  assert.ok(text.endsWith('\n````'));
});

test('VS Code language ids map to Markdown fence tags, and odd ids are neutralised', () => {
  assert.equal(fenceLanguage('typescriptreact'), 'tsx');
  assert.equal(fenceLanguage('shellscript'), 'sh');
  assert.equal(fenceLanguage('plaintext'), 'text');
  assert.equal(fenceLanguage('rust'), 'rust');
  assert.equal(fenceLanguage('c++'), 'c++');
  assert.equal(fenceLanguage('a b"><x'), 'text');
});

test('a selection within the budget is sent whole with no note', async () => {
  const turn = await buildExplainTurn(sel('a = 1\nb = 2'), 'Explain.', 500, count);
  assert.equal(turn.note, undefined);
  assert.match(turn.text, /lines 10–11/);
});

test('a long selection is cut at a line boundary to fit the budget, with a note and the real line range', async () => {
  const code = Array.from({ length: 100 }, (_, i) => `value_${i} = compute(${i})`).join('\n');
  const turn = await buildExplainTurn(sel(code), 'Explain.', 200, count);
  assert.ok((await count(turn.text)) <= 200);
  const kept = Number(/trimmed to its first (\d+) of 100 lines/.exec(turn.note ?? '')?.[1]);
  assert.ok(kept > 5 && kept < 100, `kept ${kept}`);
  assert.match(turn.text, new RegExp(`lines 10–${10 + kept - 1}:`));
  assert.ok(turn.text.includes(`value_${kept - 1} = compute`));
  assert.ok(!turn.text.includes(`value_${kept} = compute`));
  // One more line would not have fitted.
  const oneMore = await buildExplainTurn(sel(code.split('\n').slice(0, kept + 1).join('\n')), 'Explain.', 200, count);
  assert.ok(oneMore.note);
});

test('one enormous line is cut by characters', async () => {
  const turn = await buildExplainTurn(sel(Array.from({ length: 1000 }, () => 'x').join('+')), 'Explain.', 100, count);
  assert.match(turn.note ?? '', /trimmed to its first \d+ characters/);
  assert.ok((await count(turn.text)) <= 100);
});

test('Windows line endings are normalised before counting lines', async () => {
  const turn = await buildExplainTurn(sel('a = 1\r\nb = 2\r\n'), 'Explain.', 500, count);
  assert.ok(!turn.text.includes('\r'));
});

test('a selection with hundreds of thousands of backtick runs gets a fence, not a stack overflow', () => {
  const code = '`a'.repeat(200_000) + '\n' + '`'.repeat(7);
  const text = formatExplainTurn('Explain.', sel(code));
  assert.ok(text.endsWith('\n````````'), 'the fence is one backtick longer than the longest run');
});
