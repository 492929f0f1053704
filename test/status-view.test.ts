import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeStatus } from '../src/status-view';

test('a ready engine shows the last latency and speed in the tooltip', () => {
  const v = describeStatus({ engine: 'ready', inlineEnabled: true, lastLatencyMs: 84.2, tokensPerSecond: 61.25 });
  assert.equal(v.text, '$(sparkle) BitNet');
  assert.match(v.tooltip, /Last completion: 84 ms, 61\.3 tokens\/s/);
  assert.equal(v.isError, false);
});

test('inline completion switched off for a language says so', () => {
  const v = describeStatus({ engine: 'ready', inlineEnabled: false, languageId: 'markdown' });
  assert.equal(v.text, '$(circle-slash) BitNet');
  assert.match(v.tooltip, /off for markdown/);
});

test('an engine error is shown as an error with its message', () => {
  const v = describeStatus({ engine: 'error', inlineEnabled: true, errorMessage: 'the model file is truncated' });
  assert.equal(v.isError, true);
  assert.match(v.tooltip, /truncated/);
});

test('a missing model points to the download', () => {
  assert.match(describeStatus({ engine: 'no-model', inlineEnabled: true }).tooltip, /download/);
});

test('loading and generating spin', () => {
  assert.match(describeStatus({ engine: 'loading', inlineEnabled: true }).text, /loading~spin/);
  assert.match(describeStatus({ engine: 'generating', inlineEnabled: true }).text, /loading~spin/);
});
