import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { IDLE_STOP_MS, NEAR_LINES, WARM_REST_MS, WarmUpPolicy } from '../../src/completion/warm-up-policy';

/** A policy whose warm and stop calls are counted; time moves only by mock.timers.tick. */
function policy() {
  const calls = { warm: 0, stop: 0 };
  const p = new WarmUpPolicy({ warm: () => calls.warm++, stop: () => calls.stop++ });
  return { p, calls };
}

const at = (line: number, path = 'src/a.ts') => ({ path, line });

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('an editor that becomes active is warmed once the cursor has rested there', () => {
  const { p, calls } = policy();
  p.editorActivated(at(10));
  mock.timers.tick(WARM_REST_MS - 1);
  assert.equal(calls.warm, 0, 'not while the cursor may still move');
  mock.timers.tick(1);
  assert.equal(calls.warm, 1);
  mock.timers.tick(10 * WARM_REST_MS);
  assert.equal(calls.warm, 1, 'once per place');
  p.dispose();
});

test('a cursor on the move is warmed only where it comes to rest', () => {
  const { p, calls } = policy();
  for (let line = 100; line < 400; line += 50) {
    p.cursorMoved(at(line));
    mock.timers.tick(WARM_REST_MS / 2);
  }
  assert.equal(calls.warm, 0);
  mock.timers.tick(WARM_REST_MS);
  assert.equal(calls.warm, 1);
  p.dispose();
});

test('a jump to a new place is warmed, a move of a few lines is not', () => {
  const { p, calls } = policy();
  p.editorActivated(at(10));
  mock.timers.tick(WARM_REST_MS);
  assert.equal(calls.warm, 1);
  p.cursorMoved(at(10 + NEAR_LINES));
  p.cursorMoved(at(10 - NEAR_LINES));
  mock.timers.tick(WARM_REST_MS);
  assert.equal(calls.warm, 1, 'a few lines away the warm prompt still mostly matches');
  p.cursorMoved(at(200));
  mock.timers.tick(WARM_REST_MS);
  assert.equal(calls.warm, 2, 'a jump');
  p.cursorMoved(at(200, 'src/b.ts'));
  mock.timers.tick(WARM_REST_MS);
  assert.equal(calls.warm, 3, 'the same line of another file');
  p.dispose();
});

test('switching back to an editor warms it again', () => {
  const { p, calls } = policy();
  p.editorActivated(at(10));
  mock.timers.tick(WARM_REST_MS);
  p.editorActivated(at(10));
  mock.timers.tick(WARM_REST_MS);
  assert.equal(calls.warm, 2, 'another file may have pushed it out of the cache meanwhile');
  p.dispose();
});

test('nothing is warmed while VS Code is not focused', () => {
  const { p, calls } = policy();
  p.focusChanged(false, at(10));
  p.editorActivated(at(10));
  p.cursorMoved(at(300));
  mock.timers.tick(IDLE_STOP_MS);
  assert.equal(calls.warm, 0);
  p.dispose();
});

test('losing focus stops warming and drops a warm-up that was about to start', () => {
  const { p, calls } = policy();
  p.cursorMoved(at(300));
  p.focusChanged(false, at(300));
  assert.equal(calls.stop, 1, 'background reading is dropped at once');
  mock.timers.tick(WARM_REST_MS);
  assert.equal(calls.warm, 0);
  p.focusChanged(true, at(300));
  mock.timers.tick(WARM_REST_MS);
  assert.equal(calls.warm, 1, 'coming back warms where the cursor is');
  p.dispose();
});

test('after a while with nothing happening, warming stops; activity puts that off', () => {
  const { p, calls } = policy();
  p.editorActivated(at(10));
  mock.timers.tick(IDLE_STOP_MS - 1);
  assert.equal(calls.stop, 0);
  p.typed(at(10));
  mock.timers.tick(IDLE_STOP_MS - 1);
  assert.equal(calls.stop, 0, 'typing is activity');
  p.cursorMoved(at(11));
  mock.timers.tick(IDLE_STOP_MS - 1);
  assert.equal(calls.stop, 0, 'moving the cursor is activity');
  mock.timers.tick(1);
  assert.equal(calls.stop, 1);
  mock.timers.tick(10 * IDLE_STOP_MS);
  assert.equal(calls.stop, 1, 'stopped once, not again and again');
  p.dispose();
});

test('typing cancels a pending warm-up: live completion takes over the place', () => {
  const { p, calls } = policy();
  p.cursorMoved(at(300));
  mock.timers.tick(WARM_REST_MS - 1);
  p.typed(at(300));
  mock.timers.tick(WARM_REST_MS);
  assert.equal(calls.warm, 0);
  p.cursorMoved(at(300 + NEAR_LINES));
  mock.timers.tick(WARM_REST_MS);
  assert.equal(calls.warm, 0, 'moving a little from where the user typed needs no warm-up either');
  p.dispose();
});

test('a disposed policy warms and stops nothing', () => {
  const { p, calls } = policy();
  p.editorActivated(at(10));
  p.dispose();
  mock.timers.tick(IDLE_STOP_MS);
  assert.deepEqual(calls, { warm: 0, stop: 0 });
});
