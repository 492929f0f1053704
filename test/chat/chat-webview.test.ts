// The webview script (media/chat.ts) running on jsdom against the real page
// markup: the DOM contract the e2e tests rely on, keyboard use, and that the
// view validates what the host sends it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { chatBody, chatPage, contentSecurityPolicy, EXAMPLE_PROMPTS } from '../../src/chat/chat-page';
import type { HostToView, ViewToHost } from '../../src/chat/messages';

const dom = new JSDOM(`<!DOCTYPE html><html><body>${chatBody(4096)}</body></html>`, { pretendToBeVisual: true });
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
const meter = { used: 120, total: 4096, instructions: 57, reserve: 1024, counted: true };
const history = { conversations: [{ id: 'c1', title: 'Lighthouses', updatedAt: Date.now() }, { id: 'c0', title: 'Older chat', updatedAt: Date.UTC(2020, 0, 2) }], activeId: 'c1' };

test('the view says it is ready as soon as its script runs', () => {
  assert.deepEqual(sent[0], { type: 'ready' });
});

test('a snapshot draws one element per turn with the contract classes, notes, and the meter', async () => {
  fromHost({
    type: 'snapshot',
    generating: false,
    engine: ready,
    meter,
    history,
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
  assert.match($('.history-note').textContent ?? '', /2 messages above no longer fit in the chat's 4,096-token context/);
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
  assert.deepEqual(sent, [{ type: 'send', text: 'line one', attachments: [] }]);
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

test('when a reply stops, its last words are drawn before the input comes back', () => {
  fromHost({ type: 'generating', generating: true });
  fromHost({ type: 'entry', entry: { kind: 'assistant', id: 'a5', text: 'Partial', status: 'streaming', dropped: false } });
  fromHost({ type: 'entry', entry: { kind: 'assistant', id: 'a5', text: 'Partial reply', status: 'stopped', dropped: false } });
  fromHost({ type: 'generating', generating: false });
  // No animation frame has run yet: the final text is there all the same.
  assert.match($('[data-id="a5"]').textContent ?? '', /Partial reply\s*Stopped\./);
  assert.equal($<HTMLButtonElement>('#send').disabled, false);
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
  fromHost({ type: 'snapshot', entries: 'all gone', generating: false, engine: ready, meter, history });
  fromHost({ type: 'entry', entry: { kind: 'script', id: 'x', text: 'alert(1)' } });
  fromHost('{"type":"generating","generating":true}');
  await frame();
  assert.equal($('#messages').innerHTML, before);
  assert.equal($<HTMLButtonElement>('#stop').hidden, true);
});

test('New chat asks the host for a new conversation', () => {
  sent.length = 0;
  $<HTMLButtonElement>('#new-chat').click();
  assert.deepEqual(sent, [{ type: 'newChat' }]);
});

test("the meter shows the conversation's tokens and says in its tooltip what else the context holds", () => {
  fromHost({ type: 'meter', meter: { used: 300, total: 2048, instructions: 57, reserve: 512, counted: true } });
  assert.equal($('#context-meter-label').textContent, '300 / 2048 tokens');
  assert.match($('#context-meter').title, /conversation uses 300 of the chat's 2048 tokens\. BitNet's instructions take 57 more, and 512 are kept free for the reply/);
  assert.equal($<HTMLMeterElement>('#context-meter-bar').high, 2048 - 512 - 57);
  fromHost({ type: 'meter', meter: { used: 0, total: 4096, instructions: 0, reserve: 1024, counted: false } });
  assert.equal($('#context-meter-label').textContent, '– / 4096 tokens');
  assert.match($('#context-meter').title, /counted once a model file is set/);
});

test('History lists the conversations with dates; opening, renaming and deleting ask the host', () => {
  const toggle = $<HTMLButtonElement>('#history-toggle');
  assert.equal($('#history').hidden, true);
  toggle.click();
  assert.equal($('#history').hidden, false);
  assert.equal(toggle.getAttribute('aria-expanded'), 'true');
  const rows = Array.from(doc.querySelectorAll('#conversation-list .conversation'));
  assert.deepEqual(rows.map((r) => r.querySelector('.conversation-title')?.textContent), ['Lighthouses', 'Older chat']);
  assert.equal(rows[0].querySelector('.conversation-open')?.getAttribute('aria-current'), 'true');
  assert.match(rows[1].querySelector('.conversation-date')?.textContent ?? '', /2020/);
  sent.length = 0;
  (rows[1].querySelector('.conversation-rename') as HTMLButtonElement).click();
  (rows[1].querySelector('.conversation-delete') as HTMLButtonElement).click();
  (rows[1].querySelector('.conversation-open') as HTMLButtonElement).click();
  assert.deepEqual(sent, [
    { type: 'renameConversation', id: 'c0' },
    { type: 'deleteConversation', id: 'c0' },
    { type: 'openConversation', id: 'c0' },
  ]);
  assert.equal($('#history').hidden, true, 'opening a conversation closes the list');
  fromHost({ type: 'history', history: { conversations: [], activeId: 'c9' } });
  toggle.click();
  assert.equal($('#history-empty').hidden, false);
  key($('#history'), 'Escape');
  assert.equal($('#history').hidden, true);
});

test('an empty conversation shows what BitNet is good at, and an example question is sent with one click', () => {
  fromHost({ type: 'snapshot', entries: [], generating: false, engine: ready, meter, history });
  assert.equal($('#empty-state').hidden, false);
  const examples = Array.from(doc.querySelectorAll<HTMLButtonElement>('#empty-state button.example'));
  assert.deepEqual(examples.map((b) => b.textContent), EXAMPLE_PROMPTS);
  sent.length = 0;
  examples[1].click();
  assert.deepEqual(sent, [{ type: 'send', text: EXAMPLE_PROMPTS[1], attachments: [] }]);
  fromHost({ type: 'entry', entry: { kind: 'user', id: 'u9', text: EXAMPLE_PROMPTS[1], dropped: false } });
});

test('the empty state goes once the conversation has a message', async () => {
  await frame();
  assert.equal($('#empty-state').hidden, true);
});

test('attached code shows as a chip with its token count, goes with the next message, and can be removed', () => {
  sent.length = 0;
  $<HTMLButtonElement>('#attach').click();
  assert.deepEqual(sent, [{ type: 'attach' }]);
  fromHost({ type: 'attachment', attachment: { id: 'at1', label: 'fib.py:3-9', tokens: 42 } });
  fromHost({ type: 'attachment', attachment: { id: 'at2', label: 'big.js:1-200', tokens: 1400, note: 'The file was trimmed to its first 200 of 3000 lines.' } });
  const chips = Array.from(doc.querySelectorAll('#attachments .attachment'));
  assert.equal($('#attachments').hidden, false);
  assert.deepEqual(chips.map((c) => `${c.querySelector('.attachment-label')?.textContent} ${c.querySelector('.attachment-tokens')?.textContent}`), ['fib.py:3-9 42 tokens', 'big.js:1-200 1400 tokens']);
  assert.match((chips[1] as HTMLElement).title, /trimmed/);
  (chips[1].querySelector('.attachment-remove') as HTMLButtonElement).click();
  const input = $<HTMLTextAreaElement>('textarea#input');
  input.value = 'What does this do?';
  sent.length = 0;
  key(input, 'Enter');
  assert.deepEqual(sent, [{ type: 'send', text: 'What does this do?', attachments: ['at1'] }]);
  assert.equal($('#attachments').hidden, true, 'the chips go with the message');
});

test('Copy says "Copied" on the button for a moment', async () => {
  fromHost({ type: 'entry', entry: { kind: 'assistant', id: 'a7', text: '```py\nprint(1)\n```', status: 'done', dropped: false } });
  await frame();
  const copy = $('[data-id="a7"] button.copy-code') as HTMLButtonElement;
  copy.click();
  assert.equal(copy.textContent, 'Copied');
  assert.equal($('#announcer').textContent, 'Code copied.');
  await new Promise((resolve) => setTimeout(resolve, 1600));
  assert.equal(copy.textContent, 'Copy');
});

test('what the view shows is kept in its webview state, for a reload to redraw at once', async () => {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const saved = state as { snapshot: { entries: Array<{ id: string }>; meter: unknown; history: unknown } };
  assert.ok(saved.snapshot.entries.some((e) => e.id === 'a7'));
  assert.deepEqual(saved.snapshot.history, history);
});

test('the page allows only its nonce script and extension styles, with no inline handlers or styles', () => {
  const csp = contentSecurityPolicy({ nonce: 'abc123', cspSource: 'https://file+.vscode-resource.vscode-cdn.net' });
  assert.equal(
    csp,
    "default-src 'none'; script-src 'nonce-abc123'; style-src https://file+.vscode-resource.vscode-cdn.net; font-src https://file+.vscode-resource.vscode-cdn.net; img-src https://file+.vscode-resource.vscode-cdn.net data:",
  );
  const page = chatPage({ nonce: 'abc123', cspSource: 'vscode-src', scriptUri: 'vscode-src/chat.js', styleUri: 'vscode-src/chat.css', contextTokens: 4096 });
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
