// After a window reload VS Code gives the chat page back the state it saved.
// The page draws that at once, before the extension host (which may take many
// seconds to start) has said anything: the conversation, the meter and the
// history are there from the first frame.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { chatBody } from '../../src/chat/chat-page';
import type { Snapshot, ViewToHost } from '../../src/chat/messages';

const dom = new JSDOM(`<!DOCTYPE html><html><body>${chatBody(4096)}</body></html>`, { pretendToBeVisual: true });
const win = dom.window;
const doc = win.document;
const sent: ViewToHost[] = [];

const saved: Snapshot = {
  entries: [
    { kind: 'user', id: 'u1', text: 'Remember the lighthouse.', dropped: false },
    { kind: 'assistant', id: 'a1', text: 'I will remember', status: 'streaming', dropped: false },
  ],
  generating: true,
  engine: { kind: 'ready' },
  meter: { used: 321, total: 4096, instructions: 57, reserve: 1024, counted: true },
  history: { conversations: [{ id: 'c1', title: 'Remember the lighthouse.', updatedAt: 1_700_000_000_000 }], activeId: 'c1' },
};

before(async () => {
  const g = globalThis as Record<string, unknown>;
  g.window = win;
  g.document = doc;
  g.requestAnimationFrame = win.requestAnimationFrame.bind(win);
  g.cancelAnimationFrame = win.cancelAnimationFrame.bind(win);
  g.acquireVsCodeApi = () => ({
    postMessage: (m: ViewToHost) => sent.push(m),
    getState: () => ({ draft: 'half a quest', snapshot: saved }),
    setState: () => {},
  });
  await import('../../media/chat');
});

const $ = <T extends Element = HTMLElement>(selector: string) => doc.querySelector(selector) as unknown as T;

test('the saved conversation, meter and history are drawn before the host says anything', () => {
  assert.deepEqual(sent, [{ type: 'ready' }], 'only "ready" has been said; nothing has come back');
  assert.deepEqual(
    Array.from(doc.querySelectorAll('#messages .message')).map((m) => `${m.className}: ${m.textContent}`),
    ['message user: Remember the lighthouse.\n', 'message assistant: I will remember\nStopped.'],
  );
  assert.equal($('#empty-state').hidden, true);
  assert.equal($('#context-meter-label').textContent, '321 / 4096 tokens');
  assert.equal(doc.querySelectorAll('#conversation-list .conversation').length, 1);
  assert.equal($<HTMLTextAreaElement>('#input').value, 'half a quest');
});

test('a reply that was streaming is not shown as still streaming, and Send is ready', () => {
  assert.equal($('.message.assistant').classList.contains('streaming'), false);
  assert.equal($<HTMLButtonElement>('#send').disabled, false);
  assert.equal($<HTMLButtonElement>('#stop').hidden, true);
});
