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
