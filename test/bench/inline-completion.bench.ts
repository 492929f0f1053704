// Figures for inline completion through the whole pipeline (InlineCompleter
// with the real EngineClient and worker; prints them, never fails on speed):
// time from the provider's request to a suggestion for (a) a cache hit,
// (b) one more typed character after a ~1,500-token prefix, (c) a cold
// ~1,500-token prefix; and model tokens generated per suggestion shown.
//
//   npm run build && node --import tsx test/bench/inline-completion.bench.ts [model.gguf] [threads]
//
// Without a path it uses /tmp/bitnet-2b4t.gguf when present, else the tiny test model.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InlineCompleter } from '../../src/completion/completer';
import type { DocumentSnapshot } from '../../src/completion/snapshot';
import { EngineClient } from '../../src/engine/client/engine-client';
import { tinyModelPath } from '../helpers/model-files';

const root = path.resolve(__dirname, '../..');
const REAL_SHAPE = '/tmp/bitnet-2b4t.gguf';
const modelPath = process.argv[2] ?? (fs.existsSync(REAL_SHAPE) ? REAL_SHAPE : tinyModelPath());
const threads = Number(process.argv[3] ?? 0);

/** About 1,500 tokens of real TypeScript: this project's own sources. */
function sourcePrefix(): string {
  const dir = path.join(root, 'src/completion');
  const text = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
  return text.slice(0, 6_000) + '\nexport function next';
}

function doc(prefix: string): DocumentSnapshot {
  return { path: 'src/completion/example.ts', languageId: 'typescript', prefix, suffix: '\n', tabSize: 2, insertSpaces: true };
}

async function timed(completer: InlineCompleter, prefix: string): Promise<{ ms: number; source?: string; text?: string }> {
  const t0 = performance.now();
  const result = await completer.complete(doc(prefix), { explicit: true, signal: new AbortController().signal });
  return { ms: performance.now() - t0, source: result?.source, text: result?.text };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const client = new EngineClient(root);
  client.setModel(modelPath, { threads });
  const completer = new InlineCompleter(client, () => ({ maxTokens: 32, promptTokens: 2048, timeBudgetMs: 60_000 }));
  const base = sourcePrefix();
  console.log(`model ${modelPath}, prompt prefix ${await client.countTokens(base)} tokens`);
  await timed(completer, 'warm up: load the model');

  const cold: number[] = [];
  const oneMore: number[] = [];
  const hits: number[] = [];
  let generated = 0;
  for (let round = 0; round < 3; round++) {
    const prefix = `// round ${round}\n${base}`; // a different first line: nothing in the KV cache matches
    const c = await timed(completer, prefix);
    cold.push(c.ms);
    generated += client.lastStats('completion')?.generatedTokens ?? 0;
    hits.push((await timed(completer, prefix)).ms);
    const typed = c.text?.[0] === 'X' ? 'Y' : 'X'; // not the suggestion's first character: a cache miss
    const b = await timed(completer, prefix + typed);
    oneMore.push(b.ms);
    generated += client.lastStats('completion')?.generatedTokens ?? 0;
  }
  const shown = completer.counters.shown;
  console.log(`(a) cache hit:                      median ${median(hits).toFixed(2)} ms`);
  console.log(`(b) one more character, ~1.5k prefix: median ${median(oneMore).toFixed(0)} ms (${oneMore.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`(c) cold ~1.5k-token prefix:          median ${median(cold).toFixed(0)} ms (${cold.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`model tokens generated per suggestion shown: ${(generated / Math.max(1, shown - hits.length)).toFixed(1)} (${generated} tokens, ${shown} shown, ${hits.length} of them from the cache)`);
  await client.dispose();
}

void main();
