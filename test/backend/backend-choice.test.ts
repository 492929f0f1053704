// The pieces that let the extension use a server or its own engine: the
// switch the UI holds, the fallback to the local engine while the server is
// unreachable, and the stats page for a server.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { BackendSwitch } from '../../src/backend/backend-switch';
import { LocalFallback } from '../../src/backend/local-fallback';
import { ServerClient } from '../../src/backend/server-client';
import { ServerError } from '../../src/backend/server-errors';
import { formatBackendStats } from '../../src/backend/server-stats-report';
import { EngineClient } from '../../src/engine/client/engine-client';
import type { EngineStatus } from '../../src/engine/protocol';
import type { RunningServer } from '../../src/server/bitnet-server';
import { serveTinyModel } from '../helpers/bitnet-serve';
import { closedPort } from '../helpers/misbehaving-server';
import { localGreedy } from '../helpers/local-greedy';
import { tinyModelPath } from '../helpers/model-files';
import { tinyEngine } from '../helpers/tiny-engine';
import { collect } from '../helpers/collect';

const root = path.resolve(__dirname, '../..');
const { tokenizer } = tinyEngine();
let server: RunningServer;
let local: EngineClient;

before(async () => {
  server = await serveTinyModel({ slots: 1 });
  local = new EngineClient(root);
  local.setModel(tinyModelPath(), { threads: 1 });
});
after(async () => {
  await local.dispose();
  await server.close();
});

test('the switch sends requests to the backend in use and passes on its status changes', async () => {
  const remote = new ServerClient({ url: server.url, protocol: 'llama.cpp' });
  const backend = new BackendSwitch(local, 'local');
  const seen: EngineStatus['state'][] = [];
  backend.onDidChangeStatus((s) => seen.push(s.state));
  backend.use(remote, 'server');
  assert.equal(backend.kind, 'server');
  const prompt = 'const total =';
  assert.equal(await collect(backend.complete({ full: prompt }, { maxTokens: 6 })), localGreedy(tokenizer.encode(prompt, { bos: true }), 6));
  assert.deepEqual(seen, ['ready', 'generating', 'ready']);
  assert.equal(backend.lastStats('completion'), remote.lastStats('completion'));
  backend.use(local, 'local');
  assert.equal(backend.lastStats('completion'), local.lastStats('completion'));
  backend.dispose();
});

test('while the server is unreachable the local engine answers, and the log says so', async () => {
  const lines: string[] = [];
  const down = new ServerClient({ url: `http://127.0.0.1:${await closedPort()}`, protocol: 'llama.cpp' });
  const backend = new LocalFallback(down, local, (line) => lines.push(line));
  const prompt = 'def area(r):';
  const text = await collect(backend.complete({ full: prompt }, { maxTokens: 5 }));
  assert.equal(text, localGreedy(tokenizer.encode(prompt, { bos: true }), 5));
  assert.match(lines.join('\n'), /not reachable \(connection refused\).*The local engine answers instead/);
  assert.equal(backend.lastStats('completion'), local.lastStats('completion'));
  assert.equal(await backend.countTokens('one two'), tokenizer.encode('one two').length);
  backend.dispose();
});

test('a server that refuses the key is reported, not hidden behind the local engine', async () => {
  const locked = await serveTinyModel({ apiKey: 'k', slots: 1 });
  try {
    const backend = new LocalFallback(new ServerClient({ url: locked.url, protocol: 'llama.cpp' }), local);
    await assert.rejects(collect(backend.complete({ full: 'x' }, { maxTokens: 2 })), (err) => err instanceof ServerError && err.code === 'SERVER_AUTH');
    backend.dispose();
  } finally {
    await locked.close();
  }
});

test('the stats page for a server names it, its protocol, slots and engine, and the last request', async () => {
  const client = new ServerClient({ url: server.url, protocol: 'auto' });
  await collect(client.complete({ full: 'hello' }, { maxTokens: 3 }));
  const page = formatBackendStats(await client.stats(), client.status);
  assert.match(page, new RegExp(`Backend: server ${server.url.replace(/\./g, '\\.')} \\(llama\\.cpp server protocol\\)`));
  assert.match(page, /Slots: 1 of 512 tokens each/);
  assert.match(page, /Server engine: native addon \d+\.\d+\.\d+, \S+ kernels, 1 threads/);
  assert.match(page, /Completion: first token in \d+ ms, .* 3 tokens generated/);
});
