import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineView } from '../../src/chat/chat-session';

test('with no model the chat offers the download instead of an input', () => {
  assert.deepEqual(engineView({ state: 'no-model' }), { kind: 'missing' });
});

test('an engine that cannot start is shown as an error with its reason', () => {
  assert.deepEqual(engineView({ state: 'error', message: 'the addon failed' }), { kind: 'error', message: 'the addon failed' });
});

test('a worker restart keeps the chat usable, as while the model loads', () => {
  const view = engineView({ state: 'error', message: 'The BitNet engine stopped. Restarting in 0.5 s.', restarting: true });
  assert.equal(view.kind, 'loading');
});
