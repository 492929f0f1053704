import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { Announcer, speakable, speakableEnd } from '../../media/announcer';

function region() {
  const { document } = new JSDOM('<div id="live" aria-live="polite"></div>').window;
  return document.getElementById('live') as unknown as HTMLElement;
}

test('the live region reads whole sentences as they complete, not every token', () => {
  const live = region();
  const a = new Announcer(live);
  const heard: string[] = [];
  const reply = 'The function adds two numbers. It returns the sum! Done';
  for (let i = 1; i <= reply.length; i++) {
    a.update('r', reply.slice(0, i), false);
    if (heard[heard.length - 1] !== live.textContent && live.textContent) heard.push(live.textContent);
  }
  a.update('r', reply, true);
  if (heard[heard.length - 1] !== live.textContent) heard.push(live.textContent ?? '');
  assert.deepEqual(heard, ['The function adds two numbers.', 'It returns the sum!', 'Done']);
});

test('code blocks are summarised, and nothing inside an open fence is read early', () => {
  assert.equal(speakableEnd('Here:\n```js\nfoo();\nbar();\n', 0, false), 'Here:\n'.length);
  assert.equal(speakable('Use this:\n```js\nfoo();\n```\nThen **run** it.'), 'Use this: Code block. Then run it.');
});

test('restored history is not read out again', () => {
  const live = region();
  const a = new Announcer(live);
  a.skip('old', 'An old reply.');
  a.update('old', 'An old reply.', true);
  assert.equal(live.textContent, '');
});

test('a code block that is never closed is summarised once the reply ends', () => {
  assert.equal(speakable('Try:\n```py\nprint(1)\nprint(2)'), 'Try: Code block.');
  assert.equal(speakable('A [link](https://example.com) and [text] (not a link).'), 'A link and [text] (not a link).');
});

test('hostile replies (40k "[", backticks, "[](" runs) are read in linear time', () => {
  for (const unit of ['[', '`', '[](', '[a](', '```\n', '~~~~\n```\n', '](', '\n']) {
    const reply = unit.repeat(Math.ceil(40_000 / unit.length));
    const started = performance.now();
    speakable(reply);
    speakableEnd(reply, 0, false);
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `${JSON.stringify(unit)}: ${ms.toFixed(0)} ms`);
  }
});
