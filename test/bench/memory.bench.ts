// Resident memory of the engine the way the extension host holds it: this
// process runs EngineClient and its real worker thread, so the process's RSS
// is what the extension host pays. Prints RSS (now and peak) at each stage:
//  1. after the model is loaded;
//  2. after a completion whose context holds about 1,500 tokens;
//  3. after a chat reply that fills the chat context (4,096 tokens), with
//     the chat's token counter (its own worker thread) counting the message
//     as the chat panel does;
//  4. after a completion that fills the completion context (2,048 tokens):
//     both sequences full;
//  5. after a new, short chat (the chat context trimmed back to a few tokens);
//  6. after the model is unloaded.
// Figures only; it never fails on size.
//
//   npm run build && node test/bench/bundled.mjs test/bench/memory.bench.ts [model.gguf] [threads] [f16|i8] [int8|f16|q4]
//
// (bundled.mjs runs it as plain node, as the extension host runs our code;
// `node --expose-gc --import tsx` works too, with tsx's 50 MiB on top.)
// The last two are the KV cache's storage and the LM head, by default what
// the extension runs (DEFAULT_MODEL_CONFIG); `0 f16 int8` measures the numbers
// before the compact ones.
//
// Without a path it uses /tmp/bitnet-2b4t.gguf (make it with
// `node dist/cli.js make-model --shape 2b4t --out /tmp/bitnet-2b4t.gguf`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KvCache, LmHead } from '../../native';
import { EngineClient } from '../../src/engine/client/engine-client';
import { LocalTokenizer } from '../../src/chat/local-tokenizer';
import { sourceText } from '../helpers/tiny-engine';

const root = path.resolve(__dirname, '../..');
const modelPath = process.argv[2] ?? '/tmp/bitnet-2b4t.gguf';
const threads = Number(process.argv[3] ?? 0);
const kvCache = process.argv[4] as KvCache | undefined;
const lmHead = process.argv[5] as LmHead | undefined;
const MiB = 1024 * 1024;

/** RSS now and at its peak, split into anonymous and file-backed pages (Linux). */
function memory(): { rss: number; peak: number; anon: number; file: number } {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM'), anon: kib('RssAnon'), file: kib('RssFile') };
}

function report(stage: string, detail = ''): void {
  const m = memory();
  const f = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
  console.log(
    `${stage.padEnd(34)} RSS ${f(m.rss).padStart(9)} (anon ${f(m.anon)}, file ${f(m.file)}), peak ${f(m.peak).padStart(9)}${detail ? `  ${detail}` : ''}`,
  );
}

async function drain(stream: AsyncIterable<string>): Promise<void> {
  for await (const _ of stream);
}

/** Source text of about `tokens` tokens. */
async function textOf(client: EngineClient, tokens: number): Promise<string> {
  let lines = Math.round(tokens / 12);
  for (;;) {
    const text = sourceText(lines);
    const n = await client.countTokens(text);
    if (Math.abs(n - tokens) <= 8) return text;
    lines = Math.max(1, Math.round((lines * tokens) / n));
    if (n > tokens && lines * 12 < tokens / 2) return text;
  }
}

async function sequences(client: EngineClient): Promise<string> {
  const s = (await client.stats()).model?.sequences;
  return s
    ? `completion ${s.completion.tokens}/${s.completion.capacity}, cold ${s.cold.tokens}/${s.cold.capacity}, chat ${s.chat.tokens}/${s.chat.capacity} tokens`
    : 'no model';
}

async function main(): Promise<void> {
  if (!fs.existsSync(modelPath)) throw new Error(`no model at ${modelPath}`);
  report('start');
  const client = new EngineClient(root);
  const counter = new LocalTokenizer(path.join(root, 'dist', 'token-count.js'));
  counter.setModel(modelPath);
  client.setModel(modelPath, { threads, kvCache, lmHead });
  try {
    await drain(client.complete({ full: 'warm up' }, { maxTokens: 1 }));
    report('after load', await sequences(client));

    const completion = await textOf(client, 1500);
    let t0 = performance.now();
    await drain(client.complete({ full: completion }, { maxTokens: 1 }));
    report('after a 1,500-token completion', `${await sequences(client)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    // A prompt of about 3,900 tokens, then a reply that fills the context
    // (the chat template adds about 10 tokens to one user message).
    const content = await textOf(client, 3880);
    const reply = 4096 - (await counter.count(content)) - 12;
    t0 = performance.now();
    await drain(client.chat([{ role: 'user', content }], { maxTokens: reply }));
    report('after a full chat', `${await sequences(client)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    const fill = await textOf(client, 2040);
    t0 = performance.now();
    await drain(client.complete({ full: fill }, { maxTokens: 1 }));
    report('after a 2,048-token completion', `${await sequences(client)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    await drain(client.chat([{ role: 'user', content: 'Hi' }], { maxTokens: 4 }));
    report('after a new, short chat', await sequences(client));
  } finally {
    await client.dispose();
    counter.dispose();
  }
  report('after the engine stopped');
}

void main();
