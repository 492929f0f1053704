// Figures for the generation service, measured through EngineClient and its
// real worker (prints them; never fails on speed):
//  1. main-thread event-loop delay while the worker generates at full speed;
//  2. complete() → first token for a ~1,500-token prefix when the previous
//     request had the same prefix minus one character (and, for scale, cold);
//  3. cancel → worker idle, during decode and during a long prefill.
//
//   npm run build:js && node --import tsx test/bench/engine-service.bench.ts [model.gguf] [threads]
//
// Without a path it uses /tmp/bitnet-2b4t.gguf when present, else the tiny test model.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EngineClient } from '../../src/engine/client/engine-client';
import { tinyModelPath } from '../helpers/model-files';
import { sourceText } from '../helpers/tiny-engine';

const root = path.resolve(__dirname, '../..');
const REAL_SHAPE = '/tmp/bitnet-2b4t.gguf';
const modelPath = process.argv[2] ?? (fs.existsSync(REAL_SHAPE) ? REAL_SHAPE : tinyModelPath());
const threads = Number(process.argv[3] ?? 0);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function ms(x: number): string {
  return `${x.toFixed(1)} ms`;
}

async function drain(stream: AsyncIterable<string>): Promise<number> {
  let n = 0;
  for await (const _ of stream) n++;
  return n;
}

/** Time from calling complete() to its first chunk; the rest is read and dropped. */
async function firstChunkMs(client: EngineClient, prompt: string, maxTokens: number): Promise<number> {
  const start = performance.now();
  let first = -1;
  for await (const _ of client.complete({ full: prompt }, { maxTokens })) if (first < 0) first = performance.now() - start;
  return first;
}

function untilIdle(client: EngineClient): Promise<number> {
  const start = performance.now();
  return new Promise((resolve) => {
    if (client.status.state !== 'generating') return resolve(0);
    const sub = client.onDidChangeStatus((s) => {
      if (s.state === 'generating') return;
      sub.dispose();
      resolve(performance.now() - start);
    });
  });
}

async function eventLoopDelay(client: EngineClient): Promise<void> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const start = performance.now();
  const chunks = await drain(client.chat([{ role: 'user', content: 'Tell me a long story about compilers.' }], { maxTokens: 200 }));
  const seconds = (performance.now() - start) / 1000;
  histogram.disable();
  // The same wait with the worker idle: what this (shared) machine adds by itself.
  const baseline = monitorEventLoopDelay({ resolution: 1 });
  baseline.enable();
  await new Promise((r) => setTimeout(r, Math.min(seconds, 10) * 1000));
  baseline.disable();
  const s = client.lastStats('chat')!;
  const row = (h: typeof histogram) => `p50 ${ms(h.percentile(50) / 1e6)}, p99 ${ms(h.percentile(99) / 1e6)}, max ${ms(h.max / 1e6)}`;
  console.log(`\n1. Main-thread event-loop delay while generating (${s.generatedTokens} tokens, ${chunks} chunks in ${seconds.toFixed(1)} s, ${s.tokensPerSecond.toFixed(1)} tok/s):`);
  console.log(`   generating: ${row(histogram)}`);
  console.log(`   idle worker, same machine: ${row(baseline)}`);
}

async function typingLatency(client: EngineClient): Promise<void> {
  // ~1,500 tokens of code; each step types one more character at the end.
  const base = sourceText(88);
  const typed = 'const answer = compute(42);';
  const tokens = await client.countTokens(base);
  const cold = await firstChunkMs(client, `// cold\n${base}`, 4);
  const warm: number[] = [];
  const evaluated: number[] = [];
  await firstChunkMs(client, base, 4);
  for (let i = 1; i <= typed.length; i++) {
    warm.push(await firstChunkMs(client, base + typed.slice(0, i), 4));
    const s = client.lastStats('completion')!;
    evaluated.push(s.promptTokens - s.reusedTokens);
  }
  console.log(`\n2. complete() → first token, ${tokens}-token prefix:`);
  console.log(`   cold (nothing cached): ${ms(cold)}`);
  console.log(
    `   one more character typed (${warm.length} samples): median ${ms(quantile(warm, 0.5))}, p90 ${ms(quantile(warm, 0.9))}, ` +
      `max ${ms(Math.max(...warm))}; prompt tokens evaluated: median ${quantile(evaluated, 0.5)}, max ${Math.max(...evaluated)}`,
  );
  // The machine is shared: a decode step measured now puts the latency in proportion.
  await drain(client.complete({ full: base }, { maxTokens: 16 }));
  const step = 1000 / client.lastStats('completion')!.tokensPerSecond;
  console.log(`   for scale, one decode step now: ${ms(step)} (typed-character latency = ${(quantile(warm, 0.5) / step).toFixed(1)} decode steps)`);
}

async function cancelLatency(client: EngineClient): Promise<void> {
  const decode: number[] = [];
  const prefill: number[] = [];
  for (let i = 0; i < 5; i++) {
    // During decode: let a few tokens through, then cancel.
    const controller = new AbortController();
    let seen = 0;
    for await (const _ of client.complete({ full: `// decode ${i}\n${sourceText(10)}` }, { maxTokens: 5000 }, controller.signal)) {
      if (++seen === 5) {
        const idle = untilIdle(client);
        controller.abort();
        decode.push(await idle);
      }
    }
    // During a long prefill: a prompt nothing in the cache matches.
    const long = new AbortController();
    const stream = drain(client.complete({ full: `// prefill ${i}\n${sourceText(88)}` }, { maxTokens: 4 }, long.signal));
    await new Promise((r) => setTimeout(r, 60));
    const idle = untilIdle(client);
    long.abort();
    prefill.push(await idle);
    await stream;
  }
  console.log('\n3. Cancel → worker idle:');
  console.log(`   during decode: median ${ms(quantile(decode, 0.5))}, max ${ms(Math.max(...decode))}`);
  console.log(`   during a long prefill: median ${ms(quantile(prefill, 0.5))}, max ${ms(Math.max(...prefill))}`);
}

async function main(): Promise<void> {
  const client = new EngineClient(root);
  client.setModel(modelPath, { threads, contextSizes: { completion: 2048, chat: 2048 } });
  try {
    const t0 = performance.now();
    await drain(client.complete({ full: 'warm up' }, { maxTokens: 1 }));
    const stats = await client.stats();
    const m = stats.model!;
    console.log(`model ${modelPath} (${(m.fileBytes / 2 ** 20).toFixed(0)} MiB), loaded in ${m.loadMs.toFixed(0)} ms (first request ${(performance.now() - t0).toFixed(0)} ms)`);
    console.log(`kernels ${m.kernels}, threads ${m.threads}, KV completion ${(m.sequences.completion.kvBytes / 2 ** 20).toFixed(1)} MiB, chat ${(m.sequences.chat.kvBytes / 2 ** 20).toFixed(1)} MiB`);
    await eventLoopDelay(client);
    await typingLatency(client);
    await cancelLatency(client);
  } finally {
    await client.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
