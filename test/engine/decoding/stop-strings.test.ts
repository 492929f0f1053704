import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StopStringMatcher } from '../../../src/engine/decoding/stop-strings';

/** Feeds pieces one by one; returns what a user would see and whether it stopped. */
function stream(stops: string[], pieces: string[]): { shown: string; stopped: boolean } {
  const matcher = new StopStringMatcher(stops);
  let shown = '';
  for (const piece of pieces) {
    const r = matcher.push(piece);
    shown += r.text;
    if (r.stopped) return { shown, stopped: true };
  }
  return { shown: shown + matcher.flush(), stopped: false };
}

test('a stop string split across two tokens stops generation and is not shown', () => {
  assert.deepEqual(stream(['\n\n'], ['foo()', '\n', '\nbar']), { shown: 'foo()', stopped: true });
  assert.deepEqual(stream(['</code>'], ['x = 1', '</co', 'de>', 'more']), { shown: 'x = 1', stopped: true });
});

test('text that only looks like the start of a stop string is shown once it is not one', () => {
  const matcher = new StopStringMatcher(['User:']);
  assert.deepEqual(matcher.push('Hello Us'), { text: 'Hello ', stopped: false });
  assert.deepEqual(matcher.push('ually'), { text: 'Usually', stopped: false });
});

test('held-back text is given back when generation ends without a stop', () => {
  assert.deepEqual(stream(['User:'], ['See you', ' Us']), { shown: 'See you Us', stopped: false });
});

test('the earliest of several stop strings wins, even inside one token', () => {
  assert.deepEqual(stream(['###', '\n'], ['a\nb###c']), { shown: 'a', stopped: true });
});

test('with no stop strings every piece is shown at once', () => {
  const matcher = new StopStringMatcher([]);
  assert.deepEqual(matcher.push('abc'), { text: 'abc', stopped: false });
  assert.equal(new StopStringMatcher(['']).push('x').text, 'x');
});

test('nothing more is shown after a stop', () => {
  const matcher = new StopStringMatcher(['END']);
  assert.equal(matcher.push('aEND').text, 'a');
  assert.deepEqual(matcher.push('b'), { text: '', stopped: true });
  assert.equal(matcher.flush(), '');
});
