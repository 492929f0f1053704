import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostMessage, parseViewMessage, MAX_TEXT_CHARS } from '../../src/chat/messages';

test('every message the webview may send is accepted with exactly its fields', () => {
  const valid: unknown[] = [
    { type: 'ready' },
    { type: 'send', text: 'hello\nworld', attachments: [] },
    { type: 'send', text: 'with code', attachments: ['a1', 'b2'] },
    { type: 'stop' },
    { type: 'newChat' },
    { type: 'attach' },
    { type: 'openConversation', id: 'c1' },
    { type: 'renameConversation', id: 'c1' },
    { type: 'deleteConversation', id: 'c1' },
    { type: 'insertCode', code: 'x = 1' },
    { type: 'copyCode', code: '' },
    { type: 'runCommand', command: 'bitnet.downloadModel' },
    { type: 'runCommand', command: 'bitnet.useLocalModel' },
  ];
  for (const message of valid) assert.deepEqual(parseViewMessage(message), message);
});

test('extra properties on a webview message are dropped, not passed on', () => {
  assert.deepEqual(parseViewMessage({ type: 'stop', command: 'workbench.action.quit', then: 'x' }), { type: 'stop' });
  assert.deepEqual(parseViewMessage({ type: 'send', text: 'hi', role: 'system' }), { type: 'send', text: 'hi', attachments: [] });
  assert.deepEqual(parseViewMessage({ type: 'deleteConversation', id: 'c1', all: true }), { type: 'deleteConversation', id: 'c1' });
});

test('unknown or malformed webview messages are rejected', () => {
  const invalid: unknown[] = [
    undefined, null, 0, 'ready', [], [{ type: 'ready' }], {}, { type: 'READY' }, { type: 'exec', command: 'rm -rf /' },
    { type: 'runCommand', command: 'workbench.action.terminal.sendSequence' },
    { type: 'runCommand', command: ['bitnet.downloadModel'] },
    { type: 'send', text: '' }, { type: 'send', text: '  \n ' }, { type: 'send', text: null }, { type: 'send', text: ['a'] },
    { type: 'send', text: 'x'.repeat(MAX_TEXT_CHARS + 1) },
    { type: 'insertCode' }, { type: 'insertCode', code: 1 }, { type: 'copyCode', code: { length: 1 } },
    { type: 'send', text: 'x', attachments: 'a1' }, { type: 'send', text: 'x', attachments: ['../etc'] },
    { type: 'send', text: 'x', attachments: Array.from({ length: 9 }, (_, i) => `a${i}`) },
    { type: 'openConversation' }, { type: 'openConversation', id: '<b>' }, { type: 'deleteConversation', id: ['c1'] },
    { type: { toString: () => 'ready' } },
  ];
  for (const message of invalid) assert.equal(parseViewMessage(message), undefined, JSON.stringify(message));
});

const snapshot = {
  type: 'snapshot',
  entries: [
    { kind: 'user', id: 'u1', text: 'q', dropped: true },
    { kind: 'assistant', id: 'a1', text: 'a', status: 'done', dropped: false },
    { kind: 'note', id: 'n1', text: 'note' },
  ],
  generating: false,
  engine: { kind: 'ready' },
  meter: { used: 120, total: 4096, instructions: 57, reserve: 1024, counted: true },
  history: { conversations: [{ id: 'c1', title: 'A chat', updatedAt: 1_700_000_000_000 }], activeId: 'c1' },
};

test('every message the host may send is accepted by the webview', () => {
  const valid: unknown[] = [
    snapshot,
    { type: 'entry', entry: { kind: 'assistant', id: 'a2', text: 'part', status: 'streaming', dropped: false } },
    { type: 'generating', generating: true },
    { type: 'engine', engine: { kind: 'missing' } },
    { type: 'engine', engine: { kind: 'loading', detail: '/m.gguf' } },
    { type: 'engine', engine: { kind: 'error', message: 'bad file' } },
    { type: 'meter', meter: { used: 0, total: 4096, instructions: 0, reserve: 1024, counted: false } },
    { type: 'history', history: { conversations: [], activeId: 'new1' } },
    { type: 'attachment', attachment: { id: 'at1', label: 'fib.py:1-5', tokens: 40 } },
    { type: 'attachment', attachment: { id: 'at2', label: 'big.js:1-90', tokens: 900, note: 'The file was trimmed.' } },
  ];
  for (const message of valid) assert.deepEqual(parseHostMessage(message), message);
});

test('malformed host messages are rejected by the webview', () => {
  const invalid: unknown[] = [
    null, 'snapshot', { type: 'html', html: '<img src=x onerror=alert(1)>' },
    { ...snapshot, entries: [...snapshot.entries, { kind: 'html', id: 'h', text: '<b>' }] },
    { ...snapshot, entries: [{ kind: 'user', id: 'u" onclick="x', text: 'q', dropped: false }] },
    { ...snapshot, generating: 'yes' },
    { ...snapshot, engine: { kind: 'ready!' } },
    { ...snapshot, meter: { ...snapshot.meter, used: -1 } },
    { ...snapshot, meter: { ...snapshot.meter, total: 0 } },
    { ...snapshot, meter: { used: 1, total: 4096 } },
    { ...snapshot, history: undefined },
    { ...snapshot, history: { conversations: [{ id: 'c1', title: 5, updatedAt: 1 }], activeId: 'c1' } },
    { ...snapshot, history: { conversations: [], activeId: 'x y' } },
    { type: 'entry', entry: { kind: 'assistant', id: 'a', text: 'x', status: 'exploded', dropped: false } },
    { type: 'entry', entry: { kind: 'user', id: 'a', text: 5, dropped: false } },
    { type: 'entry', entry: { kind: 'user', id: 'a', text: 'x' } },
    { type: 'generating' },
    { type: 'engine', engine: { kind: 'error' } },
    { type: 'meter', meter: { ...snapshot.meter, used: 1.5 } },
    { type: 'history', history: { conversations: 'all' , activeId: 'c1' } },
    { type: 'attachment', attachment: { id: 'at1', label: 'x', tokens: -1 } },
    { type: 'attachment', attachment: { id: 'at1', label: 'x', tokens: 1, note: 5 } },
  ];
  for (const message of invalid) assert.equal(parseHostMessage(message), undefined, JSON.stringify(message));
});
