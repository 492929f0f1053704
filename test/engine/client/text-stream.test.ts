import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextStream } from '../../../src/engine/client/text-stream';

test('chunks that arrive while the reader is busy come out joined, in order', async () => {
  const stream = new TextStream();
  stream.push('a');
  stream.push('b');
  stream.push('c');
  assert.deepEqual(await stream.next(), { value: 'abc', done: false });
  setTimeout(() => {
    stream.push('d');
    stream.end();
  }, 5);
  const rest: string[] = [];
  for await (const text of stream) rest.push(text);
  assert.deepEqual(rest, ['d']);
});

test('an error is thrown after the text that came before it', async () => {
  const stream = new TextStream();
  stream.push('partial');
  stream.fail(new Error('engine stopped'));
  assert.deepEqual(await stream.next(), { value: 'partial', done: false });
  await assert.rejects(stream.next(), /engine stopped/);
});

test('an ended stream ignores late chunks and errors', async () => {
  const stream = new TextStream();
  stream.end();
  stream.push('late');
  stream.fail(new Error('late'));
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
});
