import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conversation } from '../../src/chat/conversation';
import { ConversationHistory, HISTORY_KEY, conversationKey } from '../../src/chat/conversation-history';
import { MemoryStore } from './fakes';

function conversationWith(...users: string[]): Conversation {
  const c = new Conversation();
  for (const text of users) c.addUser(text);
  return c;
}

test("a conversation is named after its first question's first line, shortened", () => {
  assert.equal(new Conversation().title(), 'New chat');
  assert.equal(conversationWith('\n\n  How do   I sort\na list?').title(), 'How do I sort');
  const long = conversationWith('Explain what this code does, briefly and clearly, and then say how to make it faster please');
  assert.equal(long.title(), 'Explain what this code does, briefly and clearly, and then…');
  assert.ok(long.title().length <= 60);
});

test('a new empty conversation is not listed or saved until it has something in it', async () => {
  const store = new MemoryStore();
  const history = ConversationHistory.load(store);
  const id = history.activeId;
  await history.save(id, new Conversation());
  assert.deepEqual(history.view().conversations, []);
  assert.equal(store.get(conversationKey(id)), undefined);
  await history.save(id, conversationWith('hello'));
  assert.deepEqual(history.view().conversations.map((c) => c.title), ['hello']);
});

test('the index and each transcript are saved under their own keys and read back after a reload', async () => {
  const store = new MemoryStore();
  const history = ConversationHistory.load(store, () => 1234);
  const id = history.activeId;
  await history.save(id, conversationWith('first', 'second'));
  const writesBefore = store.writes;
  await history.save(id, conversationWith('first', 'second', 'third'));
  assert.equal(store.writes - writesBefore, 2, 'one transcript and the index');
  const again = ConversationHistory.load(store);
  assert.equal(again.activeId, id);
  assert.deepEqual(again.openActive().all().map((e) => e.text), ['first', 'second', 'third']);
  assert.deepEqual((store.get(HISTORY_KEY) as { items: Array<{ updatedAt: number }> }).items[0].updatedAt, 1234);
});

test('a renamed conversation keeps its name when its transcript changes', async () => {
  const history = ConversationHistory.load(new MemoryStore());
  const id = history.activeId;
  await history.save(id, conversationWith('q'));
  assert.equal(history.rename(id, 'Named'), true);
  await history.save(id, conversationWith('other first line'));
  assert.equal(history.titleOf(id), 'Named');
  assert.equal(history.rename('nope', 'x'), false);
});
