// The webview script (media/chat.ts) running on jsdom against the real page
// markup: the DOM contract the e2e tests rely on, keyboard use, and that the
// view validates what the host sends it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { CHAT_BODY, chatPage, contentSecurityPolicy } from '../../src/chat/chat-page';
import type { HostToView, ViewToHost } from '../../src/chat/messages';

const dom = new JSDOM(`<!DOCTYPE html><html><body>${CHAT_BODY}</body></html>`, { pretendToBeVisual: true });
const win = dom.window;
const doc = win.document;
const sent: ViewToHost[] = [];
let state: unknown;

before(async () => {
  const g = globalThis as Record<string, unknown>;
  g.window = win;
  g.document = doc;
  g.requestAnimationFrame = win.requestAnimationFrame.bind(win);
  g.cancelAnimationFrame = win.cancelAnimationFrame.bind(win);
  g.acquireVsCodeApi = () => ({
    postMessage: (m: ViewToHost) => sent.push(m),
    getState: () => state,
    setState: (s: unknown) => (state = s),
  });
  await import('../../media/chat');
});

const $ = <T extends Element = HTMLElement>(selector: string) => doc.querySelector(selector) as unknown as T;
const frame = () => new Promise((resolve) => setTimeout(resolve, 40));

function fromHost(data: HostToView | unknown): void {
  win.dispatchEvent(new win.MessageEvent('message', { data }));
}

function key(target: Element, k: string, extra: Record<string, unknown> = {}): void {
  target.dispatchEvent(new win.KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...extra }));
}

const ready = { kind: 'ready' } as const;
const meter = { used: 120, total: 4096 };

test('the view says it is ready as soon as its script runs', () => {
  assert.deepEqual(sent[0], { type: 'ready' });
});

test('a snapshot draws one element per turn with the contract classes, notes, and the meter', async () => {
  fromHost({
    type: 'snapshot',
    generating: false,
    engine: ready,
    meter,
    entries: [
      { kind: 'user', id: 'u1', text: 'old question', dropped: true },
      { kind: 'assistant', id: 'a1', text: 'old answer', status: 'done', dropped: true },
      { kind: 'user', id: 'u2', text: 'What is **2+2**?', dropped: false },
      { kind: 'assistant', id: 'a2', text: 'It is `4`.', status: 'done', dropped: false },
      { kind: 'note', id: 'n1', text: 'A note.' },
    ],
  });
  const children = Array.from($('#messages').children).map((el) => el.className);
  assert.deepEqual(children, ['message user dropped', 'message assistant dropped', 'note history-note', 'message user', 'message assistant', 'note']);
  assert.match($('.history-note').textContent ?? '', /2 messages above no longer fit/);
  assert.equal($('.message.user:not(.dropped) strong').textContent, '2+2');
  assert.match($('#context-meter').textContent ?? '', /120 \/ 4096 tokens/);
  assert.equal($<HTMLButtonElement>('#stop').hidden, true);
  assert.ok($('button#new-chat'));
});

test('Enter sends and clears the input, Shift+Enter does not send, an empty input sends nothing', () => {
  const input = $<HTMLTextAreaElement>('textarea#input');
  sent.length = 0;
  input.value = 'line one';
  key(input, 'Enter', { shiftKey: true });
  assert.deepEqual(sent, []);
  key(input, 'Enter');
  assert.deepEqual(sent, [{ type: 'send', text: 'line one' }]);
  assert.equal(input.value, '');
  key(input, 'Enter');
  assert.equal(sent.length, 1);
});

test('while a reply streams, Stop is shown and Esc stops it; afterwards Stop hides again', () => {
  sent.length = 0;
  fromHost({ type: 'generating', generating: true });
  const stop = $<HTMLButtonElement>('button#stop');
  assert.equal(stop.hidden, false);
  assert.equal(stop.disabled, false);
  key($('textarea#input'), 'Escape');
  stop.click();
  assert.deepEqual(sent, [{ type: 'stop' }, { type: 'stop' }]);
  const input = $<HTMLTextAreaElement>('textarea#input');
  input.value = 'not now';
  key(input, 'Enter');
  assert.equal(sent.length, 2, 'no second message while one streams');
  fromHost({ type: 'generating', generating: false });
  assert.equal(stop.hidden, true);
  assert.equal(stop.disabled, true);
});

test('streamed text updates the reply in place, sanitized, with working code buttons', async () => {
  fromHost({ type: 'entry', entry: { kind: 'assistant', id: 'a3', text: 'Try <img src=x onerror=alert(1)>', status: 'streaming', dropped: false } });
  await frame();
  const reply = $('[data-id="a3"]');
  assert.equal(reply.className, 'message assistant streaming');
  assert.equal(reply.querySelector('img'), null);
  fromHost({ type: 'entry', entry: { kind: 'assistant', id: 'a3', text: 'Try this.\n\n```js\nconsole.log(1)\n```\n', status: 'done', dropped: false } });
  await frame();
  assert.equal(doc.querySelectorAll('[data-id="a3"]').length, 1);
  assert.equal(reply.className, 'message assistant');
  sent.length = 0;
  (reply.querySelector('button.copy-code') as HTMLButtonElement).click();
  (reply.querySelector('button.insert-code') as HTMLButtonElement).click();
  assert.deepEqual(sent, [{ type: 'copyCode', code: 'console.log(1)\n' }, { type: 'insertCode', code: 'console.log(1)\n' }]);
});

test('finished reply text is announced through the polite live region', async () => {
  fromHost({ type: 'entry', entry: { kind: 'assistant', id: 'a4', text: 'First sentence. Second', status: 'streaming', dropped: false } });
  await frame();
  const live = $('#announcer');
  assert.equal(live.getAttribute('aria-live'), 'polite');
  assert.equal(live.textContent, 'First sentence.');
  fromHost({ type: 'entry', entry: { kind: 'assistant', id: 'a4', text: 'First sentence. Second one.', status: 'done', dropped: false } });
  await frame();
  assert.equal(live.textContent, 'Second one.');
  assert.equal($('#messages').getAttribute('aria-live'), 'off', 'the transcript itself is not read token by token');
});

test('without a model the input is replaced by the download and local-file actions; while loading it stays', () => {
  fromHost({ type: 'engine', engine: { kind: 'missing' } });
  assert.equal($<HTMLFormElement>('#composer').hidden, true);
  assert.equal($('#engine-banner').hidden, false);
  assert.ok($('#engine-banner').classList.contains('note'));
  sent.length = 0;
  $<HTMLButtonElement>('#download-model').click();
  $<HTMLButtonElement>('#use-local-model').click();
  assert.deepEqual(sent, [
    { type: 'runCommand', command: 'bitnet.downloadModel' },
    { type: 'runCommand', command: 'bitnet.useLocalModel' },
  ]);
  fromHost({ type: 'engine', engine: { kind: 'loading', detail: '/models/m.gguf' } });
  assert.equal($<HTMLFormElement>('#composer').hidden, false, 'the input stays live while the model loads');
  assert.equal($('#engine-actions').hidden, true);
  assert.match($('#engine-text').textContent ?? '', /Loading the BitNet model… \(\/models\/m\.gguf\)/);
  fromHost({ type: 'engine', engine: { kind: 'error', message: 'The file is not a GGUF.' } });
  assert.equal($<HTMLFormElement>('#composer').hidden, true);
  assert.equal($('#engine-actions').hidden, false);
  assert.match($('#engine-text').textContent ?? '', /not a GGUF/);
  fromHost({ type: 'engine', engine: ready });
  assert.equal($<HTMLFormElement>('#composer').hidden, false);
  assert.equal($('#engine-banner').hidden, true);
});

test('malformed host messages change nothing', async () => {
  const before = $('#messages').innerHTML;
  fromHost({ type: 'html', html: '<img src=x onerror=alert(1)>' });
  fromHost({ type: 'snapshot', entries: 'all gone', generating: false, engine: ready, meter });
  fromHost({ type: 'entry', entry: { kind: 'script', id: 'x', text: 'alert(1)' } });
  fromHost('{"type":"generating","generating":true}');
  await frame();
  assert.equal($('#messages').innerHTML, before);
  assert.equal($<HTMLButtonElement>('#stop').hidden, true);
});

test('New chat asks the host to clear the conversation', () => {
  sent.length = 0;
  $<HTMLButtonElement>('#new-chat').click();
  assert.deepEqual(sent, [{ type: 'newChat' }]);
});

test('the page allows only its nonce script and extension styles, with no inline handlers or styles', () => {
  const csp = contentSecurityPolicy({ nonce: 'abc123', cspSource: 'https://file+.vscode-resource.vscode-cdn.net' });
  assert.equal(
    csp,
    "default-src 'none'; script-src 'nonce-abc123'; style-src https://file+.vscode-resource.vscode-cdn.net; font-src https://file+.vscode-resource.vscode-cdn.net; img-src https://file+.vscode-resource.vscode-cdn.net data:",
  );
  const page = chatPage({ nonce: 'abc123', cspSource: 'vscode-src', scriptUri: 'vscode-src/chat.js', styleUri: 'vscode-src/chat.css' });
  const parsed = new JSDOM(page).window.document;
  const scripts = Array.from(parsed.querySelectorAll('script'));
  assert.equal(scripts.length, 1);
  assert.equal(scripts[0].getAttribute('nonce'), 'abc123');
  assert.equal(scripts[0].textContent, '', 'no inline script');
  assert.equal(parsed.querySelectorAll('style, [style]').length, 0);
  for (const el of Array.from(parsed.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) assert.ok(!attr.name.startsWith('on'), `inline handler ${attr.name}`);
  }
});
