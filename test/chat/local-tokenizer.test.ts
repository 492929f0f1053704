// The chat's own token counter on its worker thread (the bundle the extension
// ships, built here the same way), against the tokenizer the engine uses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { LocalTokenizer, NoTokenizerError } from '../../src/chat/local-tokenizer';
import { readBitnetModel } from '../../src/model-file/bitnet-model';
import { Tokenizer } from '../../src/tokenizer/tokenizer';
import { tempDir, tinyModelPath, writeSmallModel } from '../helpers/model-files';

const dir = tempDir();
const script = path.join(dir, 'token-count.js');
const counters: LocalTokenizer[] = [];

function counter(idleMs?: number): LocalTokenizer {
  const c = new LocalTokenizer(script, idleMs);
  counters.push(c);
  return c;
}

before(() => {
  buildSync({ entryPoints: [path.resolve(__dirname, '../../src/chat/token-count-worker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'silent' });
});

after(() => {
  for (const c of counters) c.dispose();
});

test("it counts exactly the tokens the model's own tokenizer makes, and learns the model's context length", async () => {
  const model = tinyModelPath();
  const info = readBitnetModel(model);
  const reference = Tokenizer.fromVocab(info.vocab);
  const c = counter();
  c.setModel(model);
  const texts = ['', 'Hello, world!', 'def fibonacci(n):\n    a, b = 0, 1\n', '日本語のテキスト 🙂', '  \t  indented\r\n'];
  const counts = await Promise.all(texts.map((t) => c.count(t)));
  assert.deepEqual(counts, texts.map((t) => reference.encode(t).length));
  assert.equal(c.contextLength, info.hparams.contextLength);
});

test('without a model file it says it cannot count yet', async () => {
  const c = counter();
  await assert.rejects(c.count('hi'), NoTokenizerError);
});

test('a file that is not a model gives a clear error, and a new file works', async () => {
  const bad = path.join(dir, 'notes.gguf');
  fs.writeFileSync(bad, 'not a model at all');
  const c = counter();
  c.setModel(bad);
  await assert.rejects(c.count('hi'), /vocabulary cannot be read: .*GGUF/);
  await assert.rejects(c.count('hi'), /vocabulary cannot be read/, 'the failure is remembered, not retried per count');
  c.setModel(writeSmallModel());
  assert.ok((await c.count('abc')) > 0);
});

test('switching model files counts with the new vocabulary', async () => {
  const c = counter();
  c.setModel(writeSmallModel());
  const small = await c.count('hello world');
  c.setModel(tinyModelPath());
  const llama = await c.count('hello world');
  assert.equal(llama, 2, 'Llama 3 has a token for each word');
  assert.ok(small > llama, `the 300-token vocabulary needs more tokens (${small})`);
});

test('after a quiet spell the worker ends, and the next count starts it again', async () => {
  const c = counter(50);
  c.setModel(writeSmallModel());
  const first = await c.count('some text');
  assert.equal(c.isRunning, true);
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(c.isRunning, false, 'its tables are freed');
  assert.equal(await c.count('some text'), first);
});
