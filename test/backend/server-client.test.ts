// The extension's server backend against `bitnet serve` on 127.0.0.1: inline
// completion and chat give the local engine's text over both protocols, a
// keystroke reuses the server's cache, stop strings, time budgets and
// cancellation behave as with the local engine, and the status, stats and
// log say which server answered.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { chatTokens } from '../../src/tokenizer/chat-template';
import type { EngineStatus } from '../../src/engine/protocol';
import { ServerClient } from '../../src/backend/server-client';
import type { RunningServer } from '../../src/server/bitnet-server';
import { serveTinyModel, waitFor } from '../helpers/bitnet-serve';
import { localGreedy } from '../helpers/local-greedy';
import { sourceText, tinyEngine } from '../helpers/tiny-engine';
import { collect } from '../helpers/collect';

let server: RunningServer;
const { tokenizer } = tinyEngine();

before(async () => {
  server = await serveTinyModel({ slots: 2 });
});
after(() => server.close());

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Name a colour.' },
];

for (const protocol of ['llama.cpp', 'openai'] as const) {
  test(`inline completion over the ${protocol} protocol gives the local engine’s text`, async () => {
    const client = new ServerClient({ url: server.url, protocol });
    const prompt = 'def greet(name):\n    return';
    const stream = client.complete({ full: prompt }, { maxTokens: 10 });
    const text = await collect(stream);
    assert.equal(text, localGreedy(tokenizer.encode(prompt, { bos: true }), 10));
    const stats = client.lastStats('completion')!;
    assert.deepEqual(await stream.stats, stats, 'the request carries its own figures, as a local one does');
    assert.equal(stats.generatedTokens, 10);
    assert.equal(stats.stopReason, 'length');
    assert.ok(stats.firstTokenMs > 0);
  });
}

test('chat over the llama.cpp protocol sends the local chat template’s tokens and gives the local reply', async () => {
  const client = new ServerClient({ url: server.url, protocol: 'auto' });
  const text = await collect(client.chat(messages, { maxTokens: 12 }));
  assert.equal(text, localGreedy(chatTokens(tokenizer, messages), 12));
  assert.equal(client.lastStats('chat')!.promptTokens, chatTokens(tokenizer, messages).length);
});

test('chat over the OpenAI protocol gives the same reply', async () => {
  const client = new ServerClient({ url: server.url + '/v1', protocol: 'openai', model: 'bitnet' });
  assert.equal(await collect(client.chat(messages, { maxTokens: 12 })), localGreedy(chatTokens(tokenizer, messages), 12));
});

test('the protocol is found by asking the server', async () => {
  const client = new ServerClient({ url: server.url, protocol: 'auto' });
  await client.connect();
  assert.match(client.describe(), /llama\.cpp, bitnet serve/);
  const stats = await client.stats();
  assert.equal(stats.protocol, 'llama.cpp');
  assert.equal(stats.slots, 2);
  assert.equal(typeof stats.engine?.kernels, 'string');
});

test('the next keystroke reuses the prefix the server cached for the last one', async () => {
  const client = new ServerClient({ url: server.url, protocol: 'llama.cpp' });
  const file = sourceText(15);
  await collect(client.complete({ full: file }, { maxTokens: 2 }));
  await collect(client.complete({ full: file + '\n  con' }, { maxTokens: 2 }));
  const stats = client.lastStats('completion')!;
  assert.ok(stats.reusedTokens > stats.promptTokens - 6, `reused ${stats.reusedTokens} of ${stats.promptTokens}`);
});

test('countTokens counts as the local tokenizer does', async () => {
  const client = new ServerClient({ url: server.url, protocol: 'llama.cpp' });
  const text = 'The quick brown fox <|eot_id|> jumps.';
  assert.equal(await client.countTokens(text), tokenizer.encode(text).length);
});

test('a stop string ends the reply before it, whichever protocol', async () => {
  const prompt = 'x = ';
  const full = localGreedy(tokenizer.encode(prompt, { bos: true }), 20);
  const stop = full.slice(4, 7);
  for (const protocol of ['llama.cpp', 'openai'] as const) {
    const client = new ServerClient({ url: server.url, protocol, model: 'm' });
    assert.equal(await collect(client.complete({ full: prompt }, { maxTokens: 20, stop: [stop] })), full.slice(0, full.indexOf(stop)));
    assert.equal(client.lastStats('completion')!.stopReason, 'stop');
  }
});

test('aborting the signal ends the stream quietly and the server stops generating', async () => {
  const client = new ServerClient({ url: server.url, protocol: 'llama.cpp' });
  const controller = new AbortController();
  let chunks = 0;
  for await (const _ of client.complete({ full: 'story:' }, { maxTokens: 400 }, controller.signal)) {
    if (++chunks === 3) controller.abort();
  }
  assert.equal(client.lastStats('completion')!.stopReason, 'aborted');
  const slots = async () => (await (await fetch(server.url + '/slots')).json()) as { processing: boolean; cachedTokens: number }[];
  await waitFor(async () => (await slots()).every((s) => !s.processing));
  assert.ok(Math.max(...(await slots()).map((s) => s.cachedTokens)) < 300, 'the server did not generate its 400 tokens');
  assert.equal(client.status.state, 'ready');
});

test('a reader that stops early closes the request too', async () => {
  const client = new ServerClient({ url: server.url, protocol: 'llama.cpp' });
  for await (const _ of client.complete({ full: 'list:' }, { maxTokens: 400 })) break;
  assert.equal(client.lastStats('completion')!.stopReason, 'aborted');
});

test('the time budget ends the reply with what came so far, as the local engine does', async () => {
  const client = new ServerClient({ url: server.url, protocol: 'llama.cpp' });
  const text = await collect(client.complete({ full: 'essay:' }, { maxTokens: 100_000, timeBudgetMs: 150 }));
  assert.equal(client.lastStats('completion')!.stopReason, 'time');
  assert.equal(typeof text, 'string');
});

test('the status says generating while a request runs and ready after, and the log names the server', async () => {
  const lines: string[] = [];
  const client = new ServerClient({ url: server.url, protocol: 'llama.cpp', log: (l) => lines.push(l) });
  const seen: EngineStatus[] = [];
  client.onDidChangeStatus((s) => seen.push(s));
  await collect(client.complete({ full: 'a' }, { maxTokens: 3 }));
  assert.deepEqual(seen.map((s) => s.state), ['generating', 'ready']);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, new RegExp(`completion by server ${server.url.replace(/\./g, '\\.')} \\(llama\\.cpp, bitnet serve`));
  assert.match(lines[0]!, /3 tokens at .* tok\/s, prompt 2 tokens/);
});
