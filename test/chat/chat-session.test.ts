import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEngine, MemoryStore, harness, settle, wordTokens } from './fakes';
import { MODEL_NOT_READY_NOTE, SYSTEM_PROMPT } from '../../src/chat/chat-session';
import { STORAGE_KEY } from '../../src/chat/conversation';
import type { Entry, HostToView } from '../../src/chat/messages';

function lastSnapshot(posted: HostToView[]) {
  const snaps = posted.filter((m): m is Extract<HostToView, { type: 'snapshot' }> => m.type === 'snapshot');
  return snaps[snaps.length - 1];
}

function texts(entries: readonly Entry[]) {
  return entries.map((e) => `${e.kind}:${e.text}`);
}

test('a sent message streams the reply into an assistant turn, chunk by chunk', async () => {
  const h = await harness();
  await h.session.send('Say hello');
  const updates = h.posted.filter((m) => m.type === 'entry' && m.entry.kind === 'assistant').map((m) => (m as { entry: Entry }).entry);
  assert.deepEqual(updates.map((e) => e.text), ['', 'Hello', 'Hello there', 'Hello there.', 'Hello there.']);
  const final = updates[updates.length - 1];
  assert.equal(final.kind === 'assistant' && final.status, 'done');
  assert.deepEqual(texts(h.session.entries()), ['user:Say hello', 'assistant:Hello there.']);
  const generating = h.posted.filter((m) => m.type === 'generating').map((m) => (m as { generating: boolean }).generating);
  assert.deepEqual(generating, [true, false]);
});

test('the engine gets the system prompt, the history and the new question, with the reply length setting', async () => {
  const h = await harness({ maxTokens: 300 });
  await h.session.send('first');
  await h.session.send('second');
  const call = h.engine.calls[1];
  assert.deepEqual(call.messages, [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'Hello there.' },
    { role: 'user', content: 'second' },
  ]);
  assert.equal(call.options.maxTokens, 300);
  assert.equal(call.options.temperature, 0.2);
});

test('the context meter shows the tokens the conversation uses out of 4096', async () => {
  const h = await harness();
  await h.session.send('one two three');
  const meters = h.posted.filter((m) => m.type === 'meter').map((m) => (m as { meter: { used: number; total: number } }).meter);
  const last = meters[meters.length - 1];
  assert.equal(last.total, 4096);
  // system + user + assistant, each with its 4-token header, plus 4 for the prompt frame.
  const expected = 4 + (4 + wordTokens(SYSTEM_PROMPT)) + (4 + 3) + (4 + 3);
  assert.equal(last.used, expected);
  assert.ok(meters.some((m) => m.used < last.used), 'the meter moves while the reply streams');
});

test('Stop aborts the engine stream and keeps the partial reply, marked stopped', async () => {
  const engine = new FakeEngine();
  engine.gated = true;
  const h = await harness({ engine });
  const sending = h.session.send('long answer please');
  await settle();
  engine.release();
  await settle();
  await h.session.handleMessage({ type: 'stop' });
  await sending;
  assert.equal(engine.calls[0].signal?.aborted, true);
  const reply = h.session.entries()[1];
  assert.equal(reply.kind, 'assistant');
  assert.equal(reply.kind === 'assistant' && reply.status, 'stopped');
  assert.equal(reply.text, 'Hello');
  assert.equal(h.session.generating, false);
});

test('a second message while a reply streams is ignored', async () => {
  const engine = new FakeEngine();
  engine.gated = true;
  const h = await harness({ engine });
  const first = h.session.send('first');
  await settle();
  await h.session.handleMessage({ type: 'send', text: 'second' });
  engine.gated = false;
  engine.release();
  await first;
  assert.equal(engine.calls.length, 1);
  assert.deepEqual(texts(h.session.entries()), ['user:first', 'assistant:Hello there.']);
});

test('the conversation survives a reload: a new session restores it from the store', async () => {
  const store = new MemoryStore();
  const h = await harness({ store });
  await h.session.send('remember me');
  h.session.dispose();
  const again = await harness({ store });
  assert.deepEqual(texts(lastSnapshot(again.posted).entries), ['user:remember me', 'assistant:Hello there.']);
});

test('a reply that was streaming when the window closed comes back as stopped', async () => {
  const store = new MemoryStore();
  await store.update(STORAGE_KEY, {
    version: 1,
    entries: [
      { kind: 'user', id: 'u1', text: 'hi', dropped: false },
      { kind: 'assistant', id: 'a1', text: 'Hel', status: 'streaming', dropped: false },
    ],
  });
  const h = await harness({ store });
  const restored = lastSnapshot(h.posted).entries[1];
  assert.equal(restored.kind === 'assistant' && restored.status, 'stopped');
  assert.equal(lastSnapshot(h.posted).generating, false);
});

test('a corrupt saved conversation starts a fresh chat instead of failing', async () => {
  for (const bad of [42, 'x', { version: 1, entries: [{ kind: 'user', id: '<img>', text: 'x', dropped: false }] }, { version: 9, entries: [] }, { version: 1, entries: 'nope' }]) {
    const store = new MemoryStore();
    await store.update(STORAGE_KEY, bad);
    const h = await harness({ store });
    assert.deepEqual(lastSnapshot(h.posted).entries, [], JSON.stringify(bad));
  }
});

test('a hidden view gets the whole conversation, including a reply still streaming, when it comes back', async () => {
  const engine = new FakeEngine();
  engine.gated = true;
  const h = await harness({ engine });
  const sending = h.session.send('hi');
  await settle();
  engine.release();
  await settle();
  const seen: HostToView[] = [];
  h.session.attachView((m) => seen.push(m));
  assert.equal(seen.length, 0, 'nothing is posted before the new view says it is ready');
  await h.session.handleMessage({ type: 'ready' });
  const snap = lastSnapshot(seen);
  assert.equal(snap.generating, true);
  assert.deepEqual(texts(snap.entries), ['user:hi', 'assistant:Hello']);
  engine.gated = false;
  engine.release();
  await sending;
  assert.ok(seen.some((m) => m.type === 'entry' && m.entry.text === 'Hello there.'));
});

test('New chat stops the reply, clears the conversation and the saved copy', async () => {
  const h = await harness();
  await h.session.send('hello');
  await h.session.handleMessage({ type: 'newChat' });
  assert.deepEqual(h.session.entries(), []);
  assert.deepEqual(lastSnapshot(h.posted).entries, []);
  assert.deepEqual((h.store.get(STORAGE_KEY) as { entries: unknown[] }).entries, []);
});

test('when the context runs out the oldest turns are dropped from the prompt, kept visible, and marked', async () => {
  // maxTokens 1024 reserves 1024 of 4096 for the reply: the prompt gets 3072.
  const engine = new FakeEngine();
  const h = await harness({ engine, maxTokens: 1024 });
  const long = (n: number) => Array.from({ length: 700 }, () => `w${n}`).join(' ');
  for (let i = 1; i <= 5; i++) await h.session.send(long(i));
  const last = engine.calls[engine.calls.length - 1].messages;
  assert.equal(last[0].role, 'system');
  assert.equal(last[1].role, 'user', 'the kept history starts with a question, never an orphan reply');
  assert.equal(last[last.length - 1].content, long(5));
  assert.ok(last.length < 1 + 9, 'some turns were left out');
  const snap = lastSnapshot(h.posted);
  const dropped = snap.entries.filter((e) => e.kind !== 'note' && e.dropped);
  assert.ok(dropped.length >= 2);
  assert.equal(dropped[0].text, long(1));
  assert.equal(h.session.entries().length, 10, 'dropped turns stay in the transcript');
  const sentTokens = last.reduce((sum, m) => sum + 4 + m.content.split(' ').length, 4);
  assert.ok(sentTokens <= 3072, `prompt of ${sentTokens} tokens fits the budget`);
});

test('a single message longer than the context is refused with a note and not sent', async () => {
  const h = await harness({ maxTokens: 1024 });
  await h.session.send(Array.from({ length: 5000 }, () => 'word').join(' '));
  assert.equal(h.engine.calls.length, 0);
  const notes = h.session.entries().filter((e) => e.kind === 'note');
  assert.match(notes[0].text, /too long for the model's 4096-token context/);
  const user = h.session.entries()[0];
  assert.equal(user.kind === 'user' && user.dropped, true, 'the refused message is not sent with later questions');
  assert.ok(!h.session.entries().some((e) => e.kind === 'assistant'), 'no empty reply is left behind');
});

test('without a model the view is told so, and a message gets a note instead of a dead wait', async () => {
  const engine = new FakeEngine();
  engine.status = { state: 'no-model' };
  const h = await harness({ engine });
  assert.deepEqual(lastSnapshot(h.posted).engine, { kind: 'missing' });
  await h.session.send('hello?');
  assert.equal(engine.calls.length, 0);
  assert.deepEqual(texts(h.session.entries()), ['user:hello?', `note:${MODEL_NOT_READY_NOTE}`]);
  engine.setStatus({ state: 'loading', path: '/m.gguf' });
  engine.setStatus({ state: 'error', message: 'bad file' });
  engine.setStatus({ state: 'ready', path: '/m.gguf' });
  const views = h.posted.filter((m) => m.type === 'engine').map((m) => (m as { engine: unknown }).engine);
  assert.deepEqual(views, [{ kind: 'loading', detail: '/m.gguf' }, { kind: 'error', message: 'bad file' }, { kind: 'ready' }]);
});

test('an engine failure mid-reply marks the turn failed and says why', async () => {
  const engine = new FakeEngine();
  engine.failWith = new Error('worker stopped');
  const h = await harness({ engine });
  await h.session.send('hi');
  const [, reply, note] = h.session.entries();
  assert.equal(reply.kind === 'assistant' && reply.status, 'failed');
  assert.equal(note.text, 'The reply failed: worker stopped');
  assert.equal(h.session.generating, false);
});

test('malformed or unknown messages from the webview are ignored, never executed', async () => {
  const h = await harness();
  const hostile: unknown[] = [
    null, 42, 'send', [], { type: 'eval', code: 'process.exit()' },
    { type: 'runCommand', command: 'workbench.action.terminal.new' },
    { type: 'runCommand', command: 'bitnet.downloadModel ' },
    { type: 'runCommand' },
    { type: 'send', text: 42 }, { type: 'send', text: '   ' }, { type: 'send' },
    { type: 'insertCode', code: { toString: () => 'x' } }, { type: 'copyCode' },
    { type: '__proto__' }, JSON.parse('{"__proto__": {"type": "send", "text": "x"}}'),
  ];
  for (const message of hostile) await h.session.handleMessage(message);
  assert.equal(h.engine.calls.length, 0);
  assert.deepEqual(h.actions, []);
  assert.deepEqual(h.session.entries(), []);
});

test('valid webview requests reach the host actions: insert, copy, and the two model commands', async () => {
  const h = await harness();
  await h.session.handleMessage({ type: 'insertCode', code: 'let $x = "${1:y}";' });
  await h.session.handleMessage({ type: 'copyCode', code: 'print(1)' });
  await h.session.handleMessage({ type: 'runCommand', command: 'bitnet.downloadModel' });
  await h.session.handleMessage({ type: 'runCommand', command: 'bitnet.useLocalModel' });
  assert.deepEqual(h.actions, [
    { kind: 'insert', code: 'let $x = "${1:y}";' },
    { kind: 'copy', code: 'print(1)' },
    { kind: 'command', command: 'bitnet.downloadModel' },
    { kind: 'command', command: 'bitnet.useLocalModel' },
  ]);
});

test('Explain selection adds a user turn with the tagged code and streams the explanation', async () => {
  const h = await harness();
  await h.session.explain({ code: 'const x = 1;', languageId: 'typescript', fileName: 'src/a.ts', startLine: 3, endLine: 3 }, 'Explain this.');
  const [user, reply] = h.session.entries();
  assert.equal(user.text, 'Explain this.\n\nFrom `src/a.ts`, line 3:\n\n```typescript\nconst x = 1;\n```');
  assert.equal(reply.text, 'Hello there.');
  assert.equal(h.engine.calls[0].messages[1].content, user.text);
});

test('Explain selection on a huge selection trims it and adds a note', async () => {
  const h = await harness({ maxTokens: 1024 });
  const code = Array.from({ length: 2000 }, (_, i) => `let v${i} = ${i};`).join('\n');
  await h.session.explain({ code, languageId: 'javascript', fileName: 'big.js', startLine: 1, endLine: 2000 }, 'Explain this.');
  const [user, note] = h.session.entries();
  assert.equal(note.kind, 'note');
  assert.match(note.text, /trimmed to its first \d+ of 2000 lines/);
  assert.equal(h.engine.calls.length, 1, 'the trimmed selection is sent');
  assert.match(user.text, /From `big\.js`, lines 1–\d+:/);
});

test('Explain selection while a reply streams stops it first', async () => {
  const engine = new FakeEngine();
  engine.gated = true;
  const h = await harness({ engine });
  const first = h.session.send('first');
  await settle();
  const explaining = h.session.explain({ code: 'x()', languageId: 'python', fileName: 'a.py', startLine: 1, endLine: 1 }, 'Explain.');
  await first;
  engine.gated = false;
  engine.release();
  await explaining;
  assert.equal(engine.calls.length, 2);
  assert.equal(engine.calls[0].signal?.aborted, true);
});

test('while the model loads, a message still goes to the engine, which answers once loaded', async () => {
  const engine = new FakeEngine();
  engine.status = { state: 'loading', path: '/m.gguf' };
  const h = await harness({ engine });
  assert.deepEqual(lastSnapshot(h.posted).engine, { kind: 'loading', detail: '/m.gguf' });
  await h.session.send('hi');
  assert.equal(engine.calls.length, 1);
  assert.deepEqual(texts(h.session.entries()), ['user:hi', 'assistant:Hello there.']);
});

test('inline completion flipping the engine between ready and generating does not chatter to the view', async () => {
  const h = await harness();
  for (let i = 0; i < 5; i++) {
    h.engine.setStatus({ state: 'generating', kind: 'completion' });
    h.engine.setStatus({ state: 'ready', path: '/m.gguf' });
  }
  assert.equal(h.posted.filter((m) => m.type === 'engine').length, 0);
});

test('the model is not woken to count tokens until the chat view is open', async () => {
  const engine = new FakeEngine();
  let counted = 0;
  const count = engine.countTokens.bind(engine);
  engine.countTokens = (text: string) => { counted++; return count(text); };
  const store = new MemoryStore();
  await store.update(STORAGE_KEY, { version: 1, entries: [{ kind: 'user', id: 'u1', text: 'hi there', dropped: false }] });
  const h = await harness({ engine, store, ready: false });
  await settle();
  assert.equal(counted, 0);
  await h.session.handleMessage({ type: 'ready' });
  assert.ok(counted > 0);
  const meter = h.posted.filter((m) => m.type === 'meter').pop() as { meter: { used: number } };
  assert.equal(meter.meter.used, 4 + (4 + wordTokens(SYSTEM_PROMPT)) + (4 + 2));
});
