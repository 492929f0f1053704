import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, type CompletionReport } from '../../src/completion/completion-report';

const stats = {
  promptTokens: 703,
  reusedTokens: 690,
  generatedTokens: 9,
  prefillMs: 88.4,
  firstTokenMs: 120.2,
  tokensPerSecond: 31.25,
  stopReason: 'stop' as const,
  window: 'full' as const,
  prefillTokensPerSecond: 147.6,
};

test('the log line of a shown suggestion names trigger, prompt tokens, tokens reused, prefill ms, first-token ms, tokens generated and outcome', () => {
  const line = formatReport({ id: 12, trigger: 'typing', outcome: 'shown', ms: 412.7, chars: 18, source: 'model', stats });
  assert.match(line, /^#12 typing: shown after 413 ms/);
  assert.match(line, /18 chars shown/);
  assert.match(line, /prompt 703 tokens \(690 reused\)/);
  assert.match(line, /prefill 88 ms at 148 tok\/s/);
  assert.match(line, /first token 120 ms/);
  assert.match(line, /9 tokens generated, ended by stop/);
  assert.doesNotMatch(line, /cold/);
});

test('a suggestion from the short cold window says so', () => {
  const line = formatReport({ id: 3, trigger: 'explicit', outcome: 'shown', ms: 900, stats: { ...stats, window: 'cold', promptTokens: 60, reusedTokens: 0 } });
  assert.match(line, /^#3 explicit: shown/);
  assert.match(line, /prompt 60 tokens \(0 reused, short cold window\)/);
});

test('each outcome is named: cancelled, timeout, empty, skipped with its reason, failed with its error', () => {
  const at = (r: Partial<CompletionReport>) => formatReport({ id: 1, trigger: 'typing', outcome: 'shown', ms: 0, ...r });
  assert.match(at({ outcome: 'timeout', stats: { ...stats, stopReason: 'time' } }), /typing: timeout .*ended by time/);
  assert.match(at({ outcome: 'empty', stats }), /typing: empty after/);
  assert.match(at({ outcome: 'skipped', detail: 'sensitive file' }), /typing: skipped \(sensitive file\)/);
  assert.match(at({ outcome: 'failed', detail: 'The model file x cannot be used' }), /failed \(The model file x cannot be used\)/);
  assert.match(at({ outcome: 'cancelled', ms: 25_000 }), /typing: cancelled after 25000 ms/);
});

test('a request cancelled while its prompt was read says how far reading got and that it goes on', () => {
  const line = formatReport({ id: 4, trigger: 'typing', outcome: 'cancelled', ms: 1500, progress: { done: 256, total: 703 } });
  assert.match(line, /prompt read 256 of 703 tokens \(reading goes on in the background\)/);
});

test('a generation that never produced a token says so instead of a first-token time', () => {
  const line = formatReport({ id: 5, trigger: 'typing', outcome: 'cancelled', ms: 30, stats: { ...stats, firstTokenMs: 0, generatedTokens: 0, stopReason: 'aborted' } });
  assert.match(line, /no token/);
  assert.match(line, /0 tokens generated, ended by aborted/);
});

test('a suggestion from the cache or a running generation says where it came from', () => {
  assert.match(formatReport({ id: 6, trigger: 'typing', outcome: 'shown', ms: 2, source: 'cache', chars: 4 }), /from the suggestion cache/);
  assert.match(formatReport({ id: 7, trigger: 'typing', outcome: 'shown', ms: 40, source: 'in-flight', chars: 4, stats }), /from the generation already running/);
});
