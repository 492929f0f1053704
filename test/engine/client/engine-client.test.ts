import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient, EngineError, type ChatMessage, type EngineStatus, type GenerateOptions } from '../../../src/engine/client/engine-client';
import { addonCandidates, platformTag } from '../../../src/engine/addon/addon-loader';
import { tinyModelPath } from '../../helpers/model-files';
import { extensionRoot as root, sourceText } from '../../helpers/tiny-engine';
import { collect } from '../../helpers/collect';
import { tinyClient } from '../../helpers/tiny-client';

/** A copy of the extension's layout in a temp folder, with the dist bundles. */
function fakeExtension(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-ext-'));
  fs.cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  return dir;
}

/** The addon this checkout built (prebuilt or local). */
function builtAddon(): string {
  const [first] = addonCandidates(root);
  assert.ok(first, 'build the addon first: npm run build:native');
  return first;
}

test('the engine worker answers hello with the addon version and CPU features', async () => {
  const client = new EngineClient(root);
  try {
    const hello = await client.request('hello', {});
    assert.match(hello.addonVersion, /^\d+\.\d+\.\d+$/);
    assert.equal(hello.platform, platformTag());
    assert.ok(hello.cpu.logicalCores >= 1);
    assert.equal(hello.cpu.arch, process.arch === 'x64' ? 'x64' : process.arch === 'arm64' ? 'arm64' : 'other');
  } finally {
    await client.dispose();
  }
});

test('a missing addon gives one clear error naming the platform, not a crash', async () => {
  const client = new EngineClient(fakeExtension());
  await assert.rejects(client.request('hello', {}), (err: EngineError) => {
    assert.equal(err.code, 'ADDON_LOAD_FAILED');
    assert.match(err.message, new RegExp(`could not be loaded on ${platformTag()}`));
    return true;
  });
  await client.dispose();
});

test('a corrupt prebuilt binary is reported once, in the status too, and a reinstall fixes it', async () => {
  const dir = fakeExtension();
  const prebuilds = path.join(dir, 'prebuilds', platformTag());
  fs.mkdirSync(prebuilds, { recursive: true });
  fs.writeFileSync(path.join(prebuilds, 'bitnet-vscode.node'), 'this is not a shared library');
  const client = new EngineClient(dir);
  await assert.rejects(client.request('hello', {}), /bitnet-vscode\.node/);
  assert.equal(client.status.state, 'error');
  // Later requests get the same error without probing again (the probe bundle is gone now).
  fs.rmSync(path.join(dir, 'dist', 'probe.js'));
  await assert.rejects(client.request('hello', {}), /bitnet-vscode\.node/);
  await client.dispose();
  // After a reinstall (a working binary, a new extension host), the engine starts.
  fs.copyFileSync(path.join(root, 'dist', 'probe.js'), path.join(dir, 'dist', 'probe.js'));
  fs.copyFileSync(builtAddon(), path.join(prebuilds, 'bitnet-vscode.node'));
  const fixed = new EngineClient(dir);
  const hello = await fixed.request('hello', {});
  assert.equal(hello.platform, platformTag());
  await fixed.dispose();
});

test('the prebuilt binary is preferred over a local build', () => {
  const dir = fakeExtension();
  const prebuilds = path.join(dir, 'prebuilds', platformTag());
  fs.mkdirSync(prebuilds, { recursive: true });
  fs.mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
  fs.copyFileSync(builtAddon(), path.join(prebuilds, 'bitnet-vscode.node'));
  fs.copyFileSync(builtAddon(), path.join(dir, 'build', 'Release', 'bitnet.node'));
  const candidates = addonCandidates(dir);
  assert.deepEqual(candidates, [
    path.join(prebuilds, 'bitnet-vscode.node'),
    path.join(dir, 'build', 'Release', 'bitnet.node'),
  ]);
});

// ---- Generation through the worker, with the real engine and the tiny model --

function statusLog(client: EngineClient): EngineStatus['state'][] {
  const states: EngineStatus['state'][] = [];
  client.onDidChangeStatus((s) => states.push(s.state));
  return states;
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const greedy: GenerateOptions = { maxTokens: 16 };
const code = sourceText(40);

test('complete() streams a continuation, loads the model once and reports its stats', async () => {
  const client = tinyClient();
  try {
    assert.equal(client.status.state, 'unloaded', 'set, not loaded yet');
    const first = await collect(client.complete({ full: code }, greedy));
    assert.ok(first.length > 0);
    const stats = client.lastStats('completion')!;
    assert.equal(stats.generatedTokens, 16);
    assert.equal(stats.stopReason, 'length');
    assert.ok(stats.firstTokenMs > 0 && stats.tokensPerSecond > 0, JSON.stringify(stats));
    const engine = await client.stats();
    assert.equal(engine.model?.path, tinyModelPath());
    assert.ok(engine.model!.sequences.completion.kvBytes > 0 && engine.model!.sequences.chat.kvBytes > 0);
    assert.equal(engine.model!.sequences.completion.capacity, 2048);
    assert.equal(engine.model!.sequences.chat.capacity, 4096);
    assert.equal(engine.last.completion?.generatedTokens, 16);
    assert.equal(await client.countTokens('hello world'), 2);
  } finally {
    await client.dispose();
  }
});

test('typing one more character reuses the cached prefix and gives the same text as a fresh engine', async () => {
  const warm = tinyClient();
  const fresh = tinyClient();
  try {
    await collect(warm.complete({ full: code }, greedy));
    const again = await collect(warm.complete({ full: code + ';' }, greedy));
    const stats = warm.lastStats('completion')!;
    assert.ok(stats.promptTokens - stats.reusedTokens <= 4, JSON.stringify(stats));
    assert.equal(again, await collect(fresh.complete({ full: code + ';' }, greedy)));
  } finally {
    await warm.dispose();
    await fresh.dispose();
  }
});

test('cancelling in the middle of a long prefill, then asking again, gives the same reply as never cancelling', async () => {
  const longPrompt = sourceText(100); // about 1,500 tokens
  const reference = tinyClient();
  const client = tinyClient();
  try {
    await collect(reference.complete({ full: 'warm up' }, { maxTokens: 1 })); // loads the model
    const expected = await collect(reference.complete({ full: longPrompt }, greedy));
    const prefillMs = reference.lastStats('completion')!.firstTokenMs;
    // Where the cancel lands depends on timing, so try a few points until one
    // falls inside the prefill; every try must give the uncancelled reply.
    let landedInPrefill = false;
    for (const fraction of [0.5, 0.25, 0.75, 0.1, 0.05]) {
      await collect(client.complete({ full: 'warm up' }, { maxTokens: 1 })); // leaves only BOS in common
      const controller = new AbortController();
      setTimeout(() => controller.abort(), prefillMs * fraction);
      const partial = await collect(client.complete({ full: longPrompt }, greedy, controller.signal));
      assert.equal(await collect(client.complete({ full: longPrompt }, greedy)), expected);
      const after = client.lastStats('completion')!;
      // Some 128-token chunks were finished before the cancel and reused now.
      if (partial === '' && after.reusedTokens > 1 && after.reusedTokens < after.promptTokens - 2) {
        landedInPrefill = true;
        break;
      }
    }
    assert.ok(landedInPrefill, 'no cancel landed inside the prefill');
  } finally {
    await reference.dispose();
    await client.dispose();
  }
});

test('a newer completion supersedes an older one, whose stream ends quietly', async () => {
  const client = tinyClient();
  try {
    await collect(client.complete({ full: 'warm up' }, { maxTokens: 1 }));
    const older = collect(client.complete({ full: code }, { maxTokens: 2000 }));
    await until(() => client.status.state === 'generating', 'the first completion to start');
    const newer = await collect(client.complete({ full: code + '\n' }, greedy));
    assert.ok(newer.length > 0);
    await older; // resolves, does not throw
    assert.equal(client.lastStats('completion')!.stopReason, 'length');
  } finally {
    await client.dispose();
  }
});

test('aborting a stream ends it quietly and the request is recorded as aborted', async () => {
  const client = tinyClient();
  try {
    const controller = new AbortController();
    let text = '';
    for await (const chunk of client.complete({ full: code }, { maxTokens: 5000 }, controller.signal)) {
      text += chunk;
      if (text.length > 10) controller.abort();
    }
    await until(() => client.lastStats('completion')?.stopReason === 'aborted', 'the aborted stats');
    assert.ok(client.lastStats('completion')!.generatedTokens < 5000);
  } finally {
    await client.dispose();
  }
});

test('a completion runs ahead of a chat reply in progress, and the chat reply continues unchanged', async () => {
  const chat: ChatMessage[] = [{ role: 'user', content: 'Write a long story about a lighthouse.' }];
  const chatOptions: GenerateOptions = { maxTokens: 300 };
  const reference = tinyClient();
  const client = tinyClient();
  try {
    const expectedChat = await collect(reference.chat(chat, chatOptions));
    const events: string[] = [];
    let chatText = '';
    const chatDone = (async () => {
      for await (const chunk of client.chat(chat, chatOptions)) {
        chatText += chunk;
        events.push('chat');
      }
      events.push('chat-end');
    })();
    await until(() => events.length >= 3, 'the chat reply to start');
    const completion = (async () => {
      for await (const _ of client.complete({ full: code }, greedy)) events.push('completion');
      events.push('completion-end');
    })();
    await Promise.all([chatDone, completion]);
    assert.ok(events.indexOf('completion-end') < events.indexOf('chat-end'), events.join(' '));
    // At most one chat token was in flight when the completion arrived.
    const start = events.indexOf('completion');
    const between = events.slice(start, events.indexOf('completion-end')).filter((e) => e === 'chat');
    assert.ok(between.length <= 1, events.join(' '));
    assert.ok(events.lastIndexOf('chat') > events.indexOf('completion-end'), 'the chat reply went on afterwards');
    assert.equal(chatText, expectedChat);
  } finally {
    await reference.dispose();
    await client.dispose();
  }
});

test('when the worker dies, the request in flight fails with a clear error and the engine restarts', async () => {
  const client = tinyClient();
  const states = statusLog(client);
  try {
    await collect(client.complete({ full: 'warm up' }, { maxTokens: 1 }));
    const inFlight = collect(client.complete({ full: code }, { maxTokens: 5000 }));
    await until(() => client.status.state === 'generating', 'generation to start');
    // What a crash in native code looks like from the outside: the thread is gone.
    await (client as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await assert.rejects(inFlight, (err: EngineError) => err.code === 'WORKER_FAILED' && /stopped/.test(err.message));
    assert.equal(client.status.state, 'error');
    assert.match((client.status as { message: string }).message, /Restarting in 0\.5 s/);
    await until(() => client.status.state === 'unloaded', 'the restarted engine');
    assert.ok(states.includes('error'));
    assert.ok((await collect(client.complete({ full: code }, greedy))).length > 0);
  } finally {
    await client.dispose();
  }
});

test('without a model, generation fails with NO_MODEL', async () => {
  const client = new EngineClient(root);
  try {
    assert.equal(client.status.state, 'no-model');
    await assert.rejects(collect(client.complete({ full: 'x' }, greedy)), (err: EngineError) => err.code === 'NO_MODEL');
  } finally {
    await client.dispose();
  }
});

test('a file that is not a BitNet model fails with MODEL_INVALID naming the file, and the status says so', async () => {
  const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-bad-')), 'bad.gguf');
  fs.writeFileSync(bad, 'GGUF but not really');
  const client = new EngineClient(root);
  client.setModel(bad);
  try {
    await assert.rejects(collect(client.complete({ full: 'x' }, greedy)), (err: EngineError) => {
      assert.equal(err.code, 'MODEL_INVALID');
      assert.ok(err.message.includes(bad));
      return true;
    });
    await until(() => client.status.state === 'error', 'the error status');
  } finally {
    await client.dispose();
  }
});

test('the model is freed after the idle timeout and loads again on the next request', async () => {
  const client = tinyClient({ idleUnloadMs: 200 });
  try {
    const first = await collect(client.complete({ full: code }, greedy));
    assert.ok((await client.stats()).model);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await client.stats()).model, undefined);
    assert.equal(await collect(client.complete({ full: code }, greedy)), first);
    assert.ok((await client.stats()).model);
  } finally {
    await client.dispose();
  }
});

test('the model holds its KV caches in 8 bits by default, and switching to F16 reloads it with caches nearly twice the size', async () => {
  const client = tinyClient();
  try {
    await collect(client.complete({ full: code }, greedy));
    const compact = (await client.stats()).model!;
    assert.equal(compact.kvCache, 'i8');
    assert.equal(compact.lmHead, 'q4');
    client.setModel(tinyModelPath(), { threads: 1, kvCache: 'f16' });
    await collect(client.complete({ full: code }, greedy));
    const exact = (await client.stats()).model!;
    assert.equal(exact.kvCache, 'f16');
    const ratio = exact.sequences.chat.kvBytes / compact.sequences.chat.kvBytes;
    assert.ok(ratio > 1.7 && ratio < 2, `F16 holds ${ratio.toFixed(2)} times the 8-bit cache's bytes`);
  } finally {
    await client.dispose();
  }
});

test('a worker that keeps dying is restarted after longer and longer pauses', async () => {
  const client = new EngineClient(root);
  const states = statusLog(client);
  const kill = () => (client as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
  try {
    await client.request('hello', {});
    await kill();
    assert.match((client.status as { message: string }).message, /stopped \(exit code 1\)\. Restarting in 0\.5 s/);
    await until(() => client.status.state === 'no-model', 'the first restart');
    await kill();
    assert.match((client.status as { message: string }).message, /Restarting in 1 s/);
    const hello = await client.request('hello', {}); // waits for the restart
    assert.equal(hello.platform, platformTag());
    assert.deepEqual(states, ['error', 'no-model', 'error', 'no-model']);
  } finally {
    await client.dispose();
  }
});

test('shutting down while a restart is pending fails the waiting request instead of leaving it hanging', async () => {
  const client = new EngineClient(root);
  await client.request('hello', {});
  await (client as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
  const waiting = client.request('hello', {});
  await client.dispose();
  await assert.rejects(waiting, (err: EngineError) => err.code === 'DISPOSED');
});

test('a model file replaced on disk at the same path is read again, not trusted from memory', async () => {
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-swap-')), 'model.gguf');
  fs.copyFileSync(tinyModelPath(), copy);
  const client = new EngineClient(root);
  client.setModel(copy, { threads: 1 });
  try {
    assert.equal(await client.countTokens('hello world'), 2);
    fs.writeFileSync(copy, 'GGUF and then nothing useful');
    await assert.rejects(collect(client.complete({ full: 'x' }, greedy)), (err: EngineError) => err.code === 'MODEL_INVALID');
  } finally {
    await client.dispose();
  }
});

test('a model set with preload says loading, never ready, until it is in memory, and is loaded once', async () => {
  const client = new EngineClient(root);
  const seen: EngineStatus['state'][] = [];
  client.onDidChangeStatus((s) => seen.push(s.state));
  try {
    client.setModel(tinyModelPath(), { threads: 1 }, true);
    assert.equal(client.status.state as string, 'loading');
    while ((client.status.state as string) !== 'ready') await new Promise((r) => setTimeout(r, 10));
    assert.ok((await client.stats()).model, 'the model is in memory when the status says ready');
    assert.deepEqual(seen, ['loading', 'ready']);
  } finally {
    await client.dispose();
  }
});

test('a model set without preload is not called ready before it is loaded', async () => {
  const client = new EngineClient(root);
  try {
    client.setModel(tinyModelPath(), { threads: 1 });
    assert.equal(client.status.state, 'unloaded');
    await collect(client.complete({ full: 'let x = ' }, { maxTokens: 1 }));
    assert.equal(client.status.state, 'ready');
  } finally {
    await client.dispose();
  }
});
