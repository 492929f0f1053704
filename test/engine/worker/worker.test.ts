// The engine worker's prompt reading, end to end: a real worker thread
// running the real engine on the tiny model, driven through EngineClient the
// way inline completion drives it. The tiny model reads thousands of tokens a
// second, so these tests watch what is in the KV caches (stats) rather than
// how long anything takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient, type GenerateOptions } from '../../../src/engine/client/engine-client';
import { COLD_PROMPT_SECONDS } from '../../../src/engine/protocol';
import { sourceText } from '../../helpers/tiny-engine';
import { collect } from '../../helpers/collect';
import { tinyClient } from '../../helpers/tiny-client';

const greedy: GenerateOptions = { maxTokens: 16 };
const header = '// File: src/example.ts (typescript)\n';

async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Tokens of a prompt as the worker reads it (BOS first). */
async function promptLength(client: EngineClient, text: string): Promise<number> {
  return (await client.countTokens(text)) + 1;
}

/** Tokens in each KV cache of the loaded model. */
async function cached(client: EngineClient): Promise<{ completion: number; cold: number }> {
  const model = (await client.stats()).model;
  return { completion: model?.sequences.completion.tokens ?? 0, cold: model?.sequences.cold.tokens ?? 0 };
}

/** Loads the model with a prompt too short to measure the prefill rate. */
async function loadModel(client: EngineClient): Promise<void> {
  await collect(client.complete({ full: 'warm up' }, { maxTokens: 1 }));
  assert.equal((await client.stats()).prefillTokensPerSecond, undefined, 'nothing measured yet');
}

/** Starts a completion and cancels it as soon as its prompt is being read. */
async function cancelWhileReading(client: EngineClient, full: string) {
  const controller = new AbortController();
  const stream = client.complete({ full }, greedy, controller.signal);
  const text = collect(stream);
  await eventually(() => stream.progress !== undefined, 'the prompt to be read');
  controller.abort();
  assert.equal(await text, '');
  const stats = (await stream.stats)!;
  assert.equal(stats.stopReason, 'aborted');
  assert.equal(stats.firstTokenMs, 0, 'the cancel came while the prompt was read');
}

/** A 100-line file's full prompt and a cold one of its last lines, with their token counts. */
async function coldAndFull(client: EngineClient) {
  const prompt = { full: header + sourceText(100), cold: header + sourceText(100).split('\n').slice(-4).join('\n') };
  return { prompt, fullTotal: await promptLength(client, prompt.full), coldTotal: await promptLength(client, prompt.cold) };
}

test('a completion cancelled while its prompt is read reads on in the background, and the next request there reuses it', async () => {
  const client = tinyClient();
  try {
    await loadModel(client);
    const long = header + sourceText(100);
    const total = await promptLength(client, long);
    await cancelWhileReading(client, long);
    await eventually(async () => (await cached(client)).completion === total, 'the whole prompt in the cache');
    const next = client.complete({ full: long + ';' }, greedy);
    assert.ok((await collect(next)).length > 0);
    const stats = (await next.stats)!;
    assert.ok(stats.reusedTokens >= total - 2, `reused ${stats.reusedTokens} of ${total}: ${JSON.stringify(stats)}`);
  } finally {
    await client.dispose();
  }
});

test('a newer request that needs different tokens stops the cancelled one from reading on', async () => {
  const client = tinyClient();
  try {
    await loadModel(client);
    const long = header + sourceText(100);
    const other = '# notes.py\n' + sourceText(10).replace(/const /g, 'let ');
    await cancelWhileReading(client, long);
    const newer = client.complete({ full: other }, greedy);
    await collect(newer);
    const stats = (await newer.stats)!;
    // Long enough for the cancelled prompt to be read whole several times over, had it read on.
    const rate = (await client.stats()).prefillTokensPerSecond!;
    const wholeMs = (1000 * (await promptLength(client, long))) / rate;
    await new Promise((r) => setTimeout(r, 200 + 3 * wholeMs));
    const inCache = (await cached(client)).completion;
    assert.ok(inCache <= stats.promptTokens + stats.generatedTokens, `${inCache} tokens cached after the newer request's ${stats.promptTokens} + ${stats.generatedTokens}`);
  } finally {
    await client.dispose();
  }
});

test('warm() reads a place ahead of typing, so the first request there reuses nearly the whole prompt', async () => {
  const client = tinyClient();
  try {
    await client.request('hello', {});
    const long = header + sourceText(100);
    const total = await promptLength(client, long);
    client.warm({ full: long }, greedy.maxTokens);
    await eventually(async () => (await cached(client)).completion === total, 'the warmed prompt in the cache');
    const first = client.complete({ full: long + '\n  ' }, greedy);
    await collect(first);
    const stats = (await first.stats)!;
    assert.ok(stats.reusedTokens >= total - 2, `reused ${stats.reusedTokens} of ${total}`);
    assert.equal(stats.window, 'full');
  } finally {
    await client.dispose();
  }
});

test('a place warmed right after start-up, before the engine has started, is read too', async () => {
  const client = tinyClient();
  try {
    const long = header + sourceText(20);
    client.warm({ full: long }, greedy.maxTokens);
    const total = await promptLength(client, long);
    await eventually(async () => (await cached(client)).completion === total, 'the warmed prompt in the cache');
  } finally {
    await client.dispose();
  }
});

test('a warm-up stopped before the engine has started reads nothing', async () => {
  const client = tinyClient();
  try {
    client.warm({ full: header + sourceText(20) }, greedy.maxTokens);
    client.stopWarming(); // the window lost focus at once
    await client.request('hello', {});
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await client.stats()).model, undefined, 'the model was not even loaded for it');
  } finally {
    await client.dispose();
  }
});

test('stopWarming() stops reading ahead where it is', async () => {
  const client = tinyClient({ contextSizes: { completion: 4096, chat: 512 } });
  try {
    await loadModel(client);
    // Where the stop lands depends on timing: try until it lands inside the reading.
    for (let attempt = 0; attempt < 5; attempt++) {
      const long = `// File: src/attempt${attempt}.ts (typescript)\n` + sourceText(220);
      const total = await promptLength(client, long);
      client.warm({ full: long }, greedy.maxTokens);
      await eventually(async () => (await cached(client)).completion > 1, 'warm-up to start');
      client.stopWarming();
      const atStop = (await cached(client)).completion;
      if (atStop === total) continue; // it finished before the stop arrived
      await new Promise((r) => setTimeout(r, 500));
      assert.equal((await cached(client)).completion, atStop, 'nothing more was read');
      return;
    }
    assert.fail('warm-up always finished before the stop arrived');
  } finally {
    await client.dispose();
  }
});

test('with nothing cached and a slow rate, the cold prompt is used, and the full one once it has been read in the background', async () => {
  const client = tinyClient();
  try {
    // Before anything is measured the engine assumes a slow CPU: the full prompt
    // (about 1,700 tokens) would take it many seconds, the cold one (about 60) one.
    await loadModel(client);
    const { prompt, fullTotal, coldTotal } = await coldAndFull(client);
    const first = client.complete(prompt, greedy);
    assert.ok((await collect(first)).length > 0, 'the cold prompt gives a suggestion');
    const firstStats = (await first.stats)!;
    assert.equal(firstStats.window, 'cold');
    assert.equal(firstStats.promptTokens, coldTotal);
    await eventually(async () => (await cached(client)).completion === fullTotal, 'the full prompt read in the background');
    const typed = { full: prompt.full + ';', cold: prompt.cold + ';' };
    const next = client.complete(typed, greedy);
    await collect(next);
    const stats = (await next.stats)!;
    assert.equal(stats.window, 'full');
    assert.ok(stats.reusedTokens >= fullTotal - 2, `reused ${stats.reusedTokens} of ${fullTotal}`);
  } finally {
    await client.dispose();
  }
});

test('once this CPU is measured to read the full prompt within a second, the full one is used though nothing of it is cached', async () => {
  const client = tinyClient();
  try {
    await collect(client.complete({ full: header + sourceText(30) }, greedy)); // measures the rate
    const rate = (await client.stats()).prefillTokensPerSecond;
    const other = '# File: notes.py (python)\n' + sourceText(100);
    const total = await promptLength(client, other);
    assert.ok(rate !== undefined && total / rate <= COLD_PROMPT_SECONDS, `this CPU reads ${total} tokens in ${rate && total / rate} s`);
    const stream = client.complete({ full: other, cold: other.slice(-200) }, greedy);
    await collect(stream);
    const stats = (await stream.stats)!;
    assert.equal(stats.window, 'full');
    assert.equal(stats.promptTokens, total);
  } finally {
    await client.dispose();
  }
});

test('warming a place the engine would read cold fills the cold window first, then the full one', async () => {
  const client = tinyClient();
  try {
    await loadModel(client);
    const { prompt, fullTotal, coldTotal } = await coldAndFull(client);
    client.warm(prompt, greedy.maxTokens);
    await eventually(async () => {
      const c = await cached(client);
      return c.cold === coldTotal && c.completion === fullTotal;
    }, 'both windows in their caches');
    const first = client.complete({ full: prompt.full + ';', cold: prompt.cold + ';' }, greedy);
    await collect(first);
    const stats = (await first.stats)!;
    assert.equal(stats.window, 'full');
    assert.ok(stats.reusedTokens >= fullTotal - 2, `reused ${stats.reusedTokens} of ${fullTotal}`);
  } finally {
    await client.dispose();
  }
});
