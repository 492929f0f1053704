// The chat's token counts when a server answers and this machine has no
// model file: the server's tokenizer counts, and gives what the model
// file's vocabulary gives.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { ServerClient } from '../../src/backend/server-client';
import { ChatTokenSource } from '../../src/chat/chat-token-source';
import { LocalTokenizer, NoTokenizerError } from '../../src/chat/local-tokenizer';
import type { RunningServer } from '../../src/server/bitnet-server';
import { serveTinyModel } from '../helpers/bitnet-serve';
import { tempDir, tinyModelPath } from '../helpers/model-files';

const script = path.join(tempDir(), 'token-count.js');
const counters: LocalTokenizer[] = [];
let server: RunningServer;

function counter(model?: string): LocalTokenizer {
  const c = new LocalTokenizer(script);
  c.setModel(model);
  counters.push(c);
  return c;
}

before(async () => {
  buildSync({ entryPoints: [path.resolve(__dirname, '../../src/chat/token-count-worker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'silent' });
  server = await serveTinyModel();
});

after(async () => {
  for (const c of counters) c.dispose();
  await server.close();
});

const TEXT = 'Explain what a closure is, with a short JavaScript example: const add = (a) => (b) => a + b;';

test('with no model file here and a server answering, the chat counts with the server, as the model file would', async () => {
  const client = new ServerClient({ url: server.url, protocol: 'llama.cpp' });
  const source = new ChatTokenSource(counter(), () => (text) => client.countTokens(text));
  assert.equal(await source.count(TEXT), await counter(tinyModelPath()).count(TEXT));
});

test('with a model file here, the chat counts with it even while a server answers', async () => {
  let asked = 0;
  const source = new ChatTokenSource(counter(tinyModelPath()), () => async () => ++asked);
  assert.ok((await source.count(TEXT)) > 10);
  assert.equal(asked, 0);
});

test('with no model file and the local engine answering, counting still says there is no tokenizer', async () => {
  const source = new ChatTokenSource(counter(), () => undefined);
  await assert.rejects(source.count(TEXT), NoTokenizerError);
});
