// The model file changing on disk under the running engine (a real worker
// thread in this process, as in the extension host): truncated, rewritten in
// place (opened with 'w', as cp and curl -o do) or replaced by a rename. The
// process never crashes; a request either completes from what was loaded or
// ends with "the model file changed on disk", and the next request runs on
// the file as it is now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineClient, type EngineError, type GenerateOptions } from '../../../src/engine/client/engine-client';
import { tempDir, tinyModelPath } from '../../helpers/model-files';
import { extensionRoot as root, sourceText } from '../../helpers/tiny-engine';
import { collect } from '../../helpers/collect';

const code = sourceText(20);
const greedy: GenerateOptions = { maxTokens: 16 };
/** Long enough to still be running when the file changes under it. */
const long: GenerateOptions = { maxTokens: 3000 };

function copyOf(model: string): string {
  const file = path.join(tempDir(), 'model.gguf');
  fs.copyFileSync(model, file);
  return file;
}

function clientFor(file: string): EngineClient {
  const client = new EngineClient(root);
  client.setModel(file, { threads: 1 });
  return client;
}

/** Runs a long stream, calls `change` once its first text arrives, and returns how the stream ended. */
async function changeWhileStreaming(stream: AsyncIterable<string>, change: () => void): Promise<{ text: string; error?: EngineError }> {
  let text = '';
  try {
    for await (const chunk of stream) {
      if (!text) change();
      text += chunk;
    }
    return { text };
  } catch (err) {
    return { text, error: err as EngineError };
  }
}

/** What a fresh engine says for `prompt` on `model`. */
async function freshCompletion(model: string, prompt: string): Promise<string> {
  const client = clientFor(model);
  try {
    return await collect(client.complete({ full: prompt }, greedy));
  } finally {
    await client.dispose();
  }
}

/** Rewrites the file in place: same inode, truncated, then written (what cp does). */
function rewriteInPlace(file: string, from: string): void {
  fs.writeFileSync(file, fs.readFileSync(from));
}

test('a model file truncated during a chat reply ends that reply with a clear error, and the engine recovers once the file is whole', async () => {
  const original = tinyModelPath();
  const file = copyOf(original);
  const client = clientFor(file);
  try {
    const chat = client.chat([{ role: 'user', content: 'Tell me a long story.' }], long);
    const { error } = await changeWhileStreaming(chat, () => fs.truncateSync(file, 8_337_088));
    assert.equal(error?.code, 'MODEL_CHANGED');
    assert.match(error!.message, /the model file changed on disk/);
    // The truncated file itself is refused with a clear error, not loaded.
    await assert.rejects(collect(client.complete({ full: code }, greedy)), (err: EngineError) => err.code === 'MODEL_INVALID' && /truncated/.test(err.message));
    fs.copyFileSync(original, file);
    assert.equal(await collect(client.complete({ full: code }, greedy)), await freshCompletion(original, code));
  } finally {
    await client.dispose();
  }
});

test('a model file rewritten in place during a completion ends it with a clear error, and the next request runs on the new file', async () => {
  const file = copyOf(tinyModelPath(1));
  const other = tinyModelPath(2);
  const client = clientFor(file);
  try {
    const stream = client.complete({ full: code }, long);
    const { error } = await changeWhileStreaming(stream, () => rewriteInPlace(file, other));
    assert.equal(error?.code, 'MODEL_CHANGED');
    assert.match(error!.message, /the model file changed on disk/);
    assert.equal(await collect(client.complete({ full: code }, greedy)), await freshCompletion(other, code));
  } finally {
    await client.dispose();
  }
});

test('a model file replaced by a rename during a completion lets it finish from what was loaded; the next request reads the new file', async () => {
  const original = tinyModelPath(1);
  const other = tinyModelPath(2);
  const file = copyOf(original);
  const client = clientFor(file);
  const reference = clientFor(original);
  try {
    const options: GenerateOptions = { maxTokens: 400 };
    const expected = await collect(reference.complete({ full: code }, options));
    const { text, error } = await changeWhileStreaming(client.complete({ full: code }, options), () => {
      const next = `${file}.download`;
      fs.copyFileSync(other, next);
      fs.renameSync(next, file);
    });
    assert.equal(error, undefined);
    assert.equal(text, expected);
    assert.equal(await collect(client.complete({ full: code }, greedy)), await freshCompletion(other, code));
  } finally {
    await Promise.all([client.dispose(), reference.dispose()]);
  }
});

test('a model file rewritten in place between requests loads the whole new model, not just its tokenizer', async () => {
  const first = tinyModelPath(1);
  const second = tinyModelPath(2);
  const file = copyOf(first);
  const client = clientFor(file);
  try {
    const before = await collect(client.complete({ full: code }, greedy));
    assert.equal(before, await freshCompletion(first, code));
    rewriteInPlace(file, second);
    const after = await collect(client.complete({ full: code }, greedy));
    assert.equal(after, await freshCompletion(second, code));
    assert.notEqual(after, before);
  } finally {
    await client.dispose();
  }
});
