import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unlessAborted, untilAborted } from '../../src/chat/until-aborted';

async function* chunks(...items: string[]) {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

test('every chunk comes through while nothing aborts', async () => {
  const seen: string[] = [];
  for await (const c of untilAborted(chunks('a', 'b', 'c'), new AbortController().signal)) seen.push(c);
  assert.deepEqual(seen, ['a', 'b', 'c']);
});

test('abort ends the reading at once, even while the source never answers', async () => {
  let returned = false;
  const stuck: AsyncIterable<string> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<string>>(() => {}),
      return: async () => {
        returned = true;
        return { done: true, value: undefined };
      },
    }),
  };
  const abort = new AbortController();
  const reading = (async () => {
    for await (const c of untilAborted(stuck, abort.signal)) assert.fail(`unexpected ${c}`);
  })();
  setTimeout(() => abort.abort(), 10);
  await reading;
  assert.equal(returned, true, 'the source is told to stop');
});

test('a source that fails after the abort does not raise an unhandled rejection', async () => {
  let fail = () => {};
  const late: AsyncIterable<string> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<string>>((_, reject) => (fail = () => reject(new Error('too late')))),
    }),
  };
  const abort = new AbortController();
  const reading = (async () => {
    for await (const _ of untilAborted(late, abort.signal)) assert.fail();
  })();
  abort.abort();
  await reading;
  fail();
  await new Promise((resolve) => setTimeout(resolve, 10));
});

test('a failure before the abort reaches the reader', async () => {
  async function* broken() {
    yield 'a';
    throw new Error('engine stopped');
  }
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const c of untilAborted(broken(), new AbortController().signal)) seen.push(c);
  }, /engine stopped/);
  assert.deepEqual(seen, ['a']);
});

test('a wait ends with nothing the moment the signal aborts, and with the value otherwise', async () => {
  const abort = new AbortController();
  const never = new Promise<number>(() => {});
  const waiting = unlessAborted(never, abort.signal);
  abort.abort();
  assert.equal(await waiting, undefined);
  assert.equal(await unlessAborted(Promise.resolve(7), new AbortController().signal), 7);
  await assert.rejects(unlessAborted(Promise.reject(new Error('no tokenizer')), new AbortController().signal), /no tokenizer/);
});
