import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEngine, FakeTokens, MemoryStore, harness, settle, wordTokens } from './fakes';
import { EMPTY_REPLY_NOTE, MODEL_NOT_READY_NOTE, SYSTEM_PROMPT } from '../../src/chat/chat-session';
import { HISTORY_KEY, LEGACY_KEY } from '../../src/chat/conversation-history';
import type { Entry, HostToView, Meter } from '../../src/chat/messages';

function lastSnapshot(posted: HostToView[]) {
  const snaps = posted.filter((m): m is Extract<HostToView, { type: 'snapshot' }> => m.type === 'snapshot');
  return snaps[snaps.length - 1];
}

function lastMeter(posted: HostToView[]): Meter {
  const meters = posted.filter((m): m is Extract<HostToView, { type: 'meter' }> => m.type === 'meter');
  return meters[meters.length - 1].meter;
}

/** Tokens of BitNet's instructions with the word-count tokenizer: prompt frame, system header, system text. */
const INSTRUCTIONS = 4 + 4 + wordTokens(SYSTEM_PROMPT);

/** A conversation saved the way version 1 saved its only one. */
async function legacyStore(entries: unknown[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.update(LEGACY_KEY, { version: 1, entries });
  return store;
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

test('the context meter counts the conversation out of the chat context, with the instructions and the reply room beside it', async () => {
  const h = await harness();
  assert.deepEqual(lastMeter(h.posted), { used: 0, total: 4096, instructions: INSTRUCTIONS, reserve: 256, counted: true }, 'an empty chat uses nothing');
  await h.session.send('one two three');
  const meters = h.posted.filter((m) => m.type === 'meter').map((m) => (m as { meter: Meter }).meter);
  // user + assistant, each with its 4-token header.
  assert.deepEqual(lastMeter(h.posted), { used: (4 + 3) + (4 + 3), total: 4096, instructions: INSTRUCTIONS, reserve: 256, counted: true });
  assert.ok(meters.some((m) => m.used > 0 && m.used < 14), 'the meter moves while the reply streams');
});

test('the configured chat context sets the meter, the trimming and the reply room', async () => {
  const engine = new FakeEngine();
  const h = await harness({ engine, contextTokens: 1024, maxTokens: 1024 });
  assert.equal(lastMeter(h.posted).total, 1024);
  assert.equal(lastMeter(h.posted).reserve, 256, 'a quarter of the context at most is kept for the reply');
  const long = (n: number) => Array.from({ length: 400 }, () => `w${n}`).join(' ');
  for (let i = 1; i <= 2; i++) await h.session.send(long(i));
  const prompt = engine.calls[1].messages;
  assert.deepEqual(prompt.map((m) => m.content), [SYSTEM_PROMPT, long(2)], 'only what fits in 1024 - 256 tokens is sent');
  assert.equal(engine.calls[1].options.maxTokens, 1024 - (INSTRUCTIONS + 4 + 400), 'the reply may fill the rest');
  await h.session.send(Array.from({ length: 900 }, () => 'word').join(' '));
  assert.match(h.session.entries().at(-1)!.text, /too long for the chat's 1024-token context/);
});

test("a model trained on a shorter context caps the configured one", async () => {
  const tokens = new FakeTokens();
  tokens.contextLength = 2048;
  const h = await harness({ tokens, contextTokens: 4096 });
  assert.equal(lastMeter(h.posted).total, 2048);
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
  const store = await legacyStore([
    { kind: 'user', id: 'u1', text: 'hi', dropped: false },
    { kind: 'assistant', id: 'a1', text: 'Hel', status: 'streaming', dropped: false },
  ]);
  const h = await harness({ store });
  const restored = lastSnapshot(h.posted).entries[1];
  assert.equal(restored.kind === 'assistant' && restored.status, 'stopped');
  assert.equal(lastSnapshot(h.posted).generating, false);
});

test('a corrupt saved conversation or history starts a fresh chat instead of failing', async () => {
  const badConversations = [42, 'x', { version: 1, entries: [{ kind: 'user', id: '<img>', text: 'x', dropped: false }] }, { version: 9, entries: [] }, { version: 1, entries: 'nope' }];
  for (const bad of badConversations) {
    const store = new MemoryStore();
    await store.update(LEGACY_KEY, bad);
    const h = await harness({ store });
    assert.deepEqual(lastSnapshot(h.posted).entries, [], JSON.stringify(bad));
  }
  const badHistories = [42, { version: 2, activeId: '" onclick="x', items: [] }, { version: 2, activeId: 'a', items: [{ id: '<b>', autoTitle: 't', updatedAt: 1 }] }];
  for (const bad of badHistories) {
    const store = new MemoryStore();
    await store.update(HISTORY_KEY, bad);
    const h = await harness({ store });
    assert.deepEqual(lastSnapshot(h.posted).history.conversations, [], JSON.stringify(bad));
  }
});

test("version 1's single saved conversation joins the history", async () => {
  const store = await legacyStore([{ kind: 'user', id: 'u1', text: 'from before', dropped: false }]);
  const h = await harness({ store });
  assert.deepEqual(texts(lastSnapshot(h.posted).entries), ['user:from before']);
  assert.deepEqual(lastSnapshot(h.posted).history.conversations.map((c) => c.title), ['from before']);
  await settle();
  assert.equal(store.get(LEGACY_KEY), undefined, 'the old copy is removed once moved');
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

test('New chat stops the reply and opens an empty conversation; the old one stays in the history', async () => {
  const engine = new FakeEngine();
  engine.gated = true;
  const h = await harness({ engine });
  const sending = h.session.send('Tell me about lighthouses\nand their keepers');
  await settle();
  await h.session.handleMessage({ type: 'newChat' });
  await sending;
  assert.equal(engine.calls[0].signal?.aborted, true);
  assert.deepEqual(h.session.entries(), []);
  const snap = lastSnapshot(h.posted);
  assert.deepEqual(snap.entries, []);
  assert.equal(snap.generating, false);
  assert.deepEqual(snap.history.conversations.map((c) => c.title), ['Tell me about lighthouses']);
  assert.notEqual(snap.history.activeId, snap.history.conversations[0].id);
  await settle();
  assert.deepEqual({ used: lastMeter(h.posted).used, counted: lastMeter(h.posted).counted }, { used: 0, counted: true });
  // A second New chat on an empty one adds nothing to the list.
  await h.session.handleMessage({ type: 'newChat' });
  assert.equal(lastSnapshot(h.posted).history.conversations.length, 1);
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
  assert.match(notes[0].text, /too long for the chat's 4096-token context/);
  const user = h.session.entries()[0];
  assert.equal(user.kind === 'user' && user.dropped, true, 'the refused message is not sent with later questions');
  assert.ok(!h.session.entries().some((e) => e.kind === 'assistant'), 'no empty reply is left behind');
});

test('without a model the view is told so, and a message gets a note instead of a dead wait', async () => {
  const engine = new FakeEngine();
  engine.status = { state: 'no-model' };
  const tokens = new FakeTokens();
  tokens.available = false;
  const h = await harness({ engine, tokens });
  assert.deepEqual({ used: lastMeter(h.posted).used, counted: lastMeter(h.posted).counted }, { used: 0, counted: true }, 'an empty chat holds nothing');
  assert.deepEqual(lastSnapshot(h.posted).engine, { kind: 'missing' });
  await h.session.send('hello?');
  assert.equal(engine.calls.length, 0);
  assert.deepEqual(texts(h.session.entries()), ['user:hello?', `note:${MODEL_NOT_READY_NOTE}`]);
  assert.equal(lastMeter(h.posted).counted, false, 'the meter says it could not count the message');
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

test('a reply the model ends before writing anything says so, instead of an empty bubble', async () => {
  const engine = new FakeEngine();
  engine.reply = [];
  const h = await harness({ engine });
  await h.session.send('hi');
  const [, reply, note] = h.session.entries();
  assert.equal(reply.kind === 'assistant' && reply.status, 'done');
  assert.equal(note.text, EMPTY_REPLY_NOTE);
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

test("the meter is counted by the chat's own tokenizer, never by the engine, while the model loads", async () => {
  const engine = new FakeEngine();
  engine.status = { state: 'loading', path: '/m.gguf' };
  const store = await legacyStore([{ kind: 'user', id: 'u1', text: 'hi there', dropped: false }]);
  const h = await harness({ engine, store });
  assert.equal(engine.calls.length, 0);
  assert.deepEqual(lastMeter(h.posted), { used: 4 + 2, total: 4096, instructions: INSTRUCTIONS, reserve: 256, counted: true });
});

test('after a reload the meter shows the last count at once, before the tokenizer has read the model', async () => {
  const store = new MemoryStore();
  const first = await harness({ store });
  await first.session.send('one two three');
  first.session.dispose();
  await settle();
  const tokens = new FakeTokens();
  let release = () => {};
  tokens.gate = new Promise<void>((resolve) => (release = resolve));
  const again = await harness({ store, tokens, ready: false });
  const ready = again.session.handleMessage({ type: 'ready' });
  const snap = lastSnapshot(again.posted);
  assert.deepEqual(texts(snap.entries), ['user:one two three', 'assistant:Hello there.'], 'the conversation is in the first message');
  assert.deepEqual({ used: snap.meter.used, counted: snap.meter.counted }, { used: 14, counted: true });
  release();
  await ready;
});

test('Stop gives the input back at once, even while the engine has not answered the request', async () => {
  const engine = new FakeEngine();
  engine.stuck = true;
  const h = await harness({ engine });
  void h.session.send('hello?');
  await settle();
  assert.equal(h.session.generating, true);
  h.posted.length = 0;
  await h.session.handleMessage({ type: 'stop' });
  assert.deepEqual(h.posted.filter((m) => m.type === 'generating'), [{ type: 'generating', generating: false }]);
  assert.equal(h.session.generating, false);
  const reply = h.session.entries()[1];
  assert.equal(reply.kind === 'assistant' && reply.status, 'stopped');
  engine.stuck = false;
  await h.session.send('again');
  assert.equal(engine.calls.length, 2, 'the next message goes out');
});

test('New chat works at once while the engine is stuck loading the model', async () => {
  const engine = new FakeEngine();
  engine.status = { state: 'loading', path: '/m.gguf' };
  engine.stuck = true;
  const h = await harness({ engine });
  void h.session.send('first question');
  await settle();
  h.posted.length = 0;
  await h.session.handleMessage({ type: 'newChat' });
  const snap = lastSnapshot(h.posted);
  assert.deepEqual(snap.entries, []);
  assert.equal(snap.generating, false);
  assert.equal(snap.history.conversations[0].title, 'first question');
});

test('a conversation from the history opens with its transcript, and the open one is kept', async () => {
  const h = await harness();
  await h.session.send('first topic');
  const firstId = h.session.activeId;
  await h.session.newChat();
  await h.session.send('second topic');
  const list = lastSnapshot(h.posted).history.conversations;
  assert.deepEqual(list.map((c) => c.title), ['first topic'], 'the snapshot was sent before the second was saved');
  await h.session.handleMessage({ type: 'openConversation', id: firstId });
  const snap = lastSnapshot(h.posted);
  assert.equal(snap.history.activeId, firstId);
  assert.deepEqual(texts(snap.entries), ['user:first topic', 'assistant:Hello there.']);
  assert.deepEqual(snap.history.conversations.map((c) => c.title), ['second topic', 'first topic'], 'newest first');
  assert.ok(snap.history.conversations.every((c) => c.updatedAt >= 1_700_000_000_000));
  await h.session.send('more on the first');
  assert.equal(h.engine.calls.at(-1)!.messages[1].content, 'first topic', 'the model sees the opened conversation');
});

test('a conversation can be renamed, and a blank or cancelled name changes nothing', async () => {
  const h = await harness();
  await h.session.send('what is a monad');
  const id = h.session.activeId;
  h.title = '  Monads,   explained ';
  await h.session.handleMessage({ type: 'renameConversation', id });
  assert.deepEqual(h.actions, [{ kind: 'askTitle', current: 'what is a monad' }]);
  const history = h.posted.filter((m) => m.type === 'history').pop() as Extract<HostToView, { type: 'history' }>;
  assert.equal(history.history.conversations[0].title, 'Monads, explained');
  for (const answer of [undefined, '   ']) {
    h.title = answer;
    await h.session.handleMessage({ type: 'renameConversation', id });
  }
  await h.session.send('and a functor?');
  assert.equal(lastSnapshot((await harness({ store: h.store })).posted).history.conversations[0].title, 'Monads, explained', 'the name is kept, also after a reload');
});

test('deleting a conversation removes it and its saved copy; deleting the open one opens a new chat', async () => {
  const h = await harness();
  await h.session.send('keep me');
  const keep = h.session.activeId;
  await h.session.newChat();
  await h.session.send('delete me');
  const gone = h.session.activeId;
  await h.session.handleMessage({ type: 'deleteConversation', id: keep });
  assert.equal(h.session.activeId, gone, 'deleting another conversation leaves the open one open');
  await h.session.handleMessage({ type: 'deleteConversation', id: gone });
  const snap = lastSnapshot(h.posted);
  assert.deepEqual(snap.entries, []);
  assert.deepEqual(snap.history.conversations, []);
  assert.notEqual(snap.history.activeId, gone);
  assert.deepEqual(
    [...h.store.data.keys()].filter((k) => k !== HISTORY_KEY),
    [],
    'no transcript is left in the store',
  );
});

test('the history keeps the 50 most recent conversations of the workspace', async () => {
  const h = await harness();
  for (let i = 1; i <= 52; i++) {
    await h.session.send(`topic ${i}`);
    await h.session.newChat();
  }
  const titles = lastSnapshot(h.posted).history.conversations.map((c) => c.title);
  assert.equal(titles.length, 50);
  assert.equal(titles[0], 'topic 52');
  assert.ok(!titles.includes('topic 1') && !titles.includes('topic 2'), 'the oldest are forgotten');
  const saved = [...h.store.data.keys()].filter((k) => k !== HISTORY_KEY);
  assert.equal(saved.length, 50, 'forgotten transcripts leave the store');
});

test('attached code shows with its token count and goes into the next message', async () => {
  const h = await harness();
  h.editor = { code: 'def f(n):\n    return n * 2', languageId: 'python', fileName: 'fib.py', startLine: 3, endLine: 4 };
  await h.session.handleMessage({ type: 'attach' });
  const attached = h.posted.filter((m): m is Extract<HostToView, { type: 'attachment' }> => m.type === 'attachment').map((m) => m.attachment);
  assert.equal(attached.length, 1);
  assert.equal(attached[0].label, 'fib.py:3-4');
  assert.ok(attached[0].tokens > 10 && attached[0].note === undefined);
  await h.session.handleMessage({ type: 'send', text: 'What does this do?', attachments: [attached[0].id] });
  assert.equal(h.engine.calls[0].messages[1].content, 'What does this do?\n\nFrom `fib.py`, lines 3–4:\n\n```python\ndef f(n):\n    return n * 2\n```');
  await h.session.handleMessage({ type: 'send', text: 'Again?', attachments: [attached[0].id] });
  assert.equal(h.engine.calls[1].messages.at(-1)!.content, 'Again?', 'an attachment goes with one message only');
});

test('an attached file too big for the context is cut to fit, and the chip says so', async () => {
  const h = await harness({ maxTokens: 1024 });
  const code = Array.from({ length: 3000 }, (_, i) => `let v${i} = ${i};`).join('\n');
  h.editor = { code, languageId: 'javascript', fileName: 'big.js', startLine: 1, endLine: 3000, wholeFile: true };
  await h.session.handleMessage({ type: 'attach' });
  const attachment = (h.posted.find((m) => m.type === 'attachment') as Extract<HostToView, { type: 'attachment' }>).attachment;
  assert.match(attachment.note ?? '', /file was trimmed to its first \d+ of \d+ lines/);
  assert.match(attachment.label, /^big\.js:1-\d+$/);
  assert.ok(attachment.tokens <= (4096 - 1024 - INSTRUCTIONS) / 2 + 4);
  h.editor = { code: 'x = 1', languageId: 'python', fileName: 'a.py', startLine: 1, endLine: 1, wholeFile: true };
  await h.session.handleMessage({ type: 'attach' });
  assert.equal((h.posted.at(-1) as Extract<HostToView, { type: 'attachment' }>).attachment.label, 'a.py', 'a whole file is named by its name');
});

test('Stop works while the tokenizer is still reading the model file', async () => {
  const tokens = new FakeTokens();
  let release = () => {};
  tokens.gate = new Promise<void>((resolve) => (release = resolve));
  const h = await harness({ tokens, ready: false });
  void h.session.handleMessage({ type: 'ready' });
  const sending = h.session.send('hello?');
  await settle();
  assert.equal(h.session.generating, true);
  await h.session.handleMessage({ type: 'stop' });
  assert.equal(h.session.generating, false, 'the input is back before the tokenizer is');
  assert.equal(h.engine.calls.length, 0, 'nothing went to the engine');
  release();
  await sending;
});

test('Explain selection sends a small selection without waiting for the tokenizer', async () => {
  const tokens = new FakeTokens();
  tokens.gate = new Promise<void>(() => {});
  const h = await harness({ tokens, ready: false });
  void h.session.explain({ code: 'x = 1', languageId: 'python', fileName: 'a.py', startLine: 1, endLine: 1 }, 'Explain.');
  await settle();
  assert.deepEqual(texts(h.session.entries()), ['user:Explain.\n\nFrom `a.py`, line 1:\n\n```python\nx = 1\n```', 'assistant:']);
  await h.session.stop();
});

test('opening a conversation from History does not move it to the top; changing it does', async () => {
  const h = await harness();
  await h.session.send('older');
  const older = h.session.activeId;
  await h.session.newChat();
  await h.session.send('newer');
  await h.session.openConversation(older);
  await settle();
  const titles = () => lastSnapshot(h.posted).history.conversations.map((c) => c.title);
  await h.session.newChat();
  assert.deepEqual(titles(), ['newer', 'older']);
  await h.session.openConversation(older);
  await h.session.send('more');
  await h.session.newChat();
  assert.deepEqual(titles(), ['older', 'newer']);
});

test('a stopped reply is saved as stopped', async () => {
  const engine = new FakeEngine();
  engine.gated = true;
  const store = new MemoryStore();
  const h = await harness({ engine, store });
  const sending = h.session.send('long please');
  await settle();
  engine.release();
  await settle();
  await h.session.stop();
  await sending;
  const again = await harness({ store });
  const reply = lastSnapshot(again.posted).entries[1];
  assert.equal(reply.kind === 'assistant' && reply.status, 'stopped');
  assert.equal(reply.text, 'Hello');
});
