// The chat's own token counter (LocalTokenizer on its worker thread).
// Run: node --import tsx test/bench/chat-token-count.bench.ts [MODEL.gguf]
// Prints the wall time from a cold start to the first count (reading the
// model file's vocabulary and building the tokenizer), the round trip of a
// count once warm, and the process's resident memory before and after.
// Figures only; wall times include whatever else the machine is doing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { LocalTokenizer } from '../../src/chat/local-tokenizer';
import { tinyModelPath } from '../helpers/model-files';

const model = process.argv[2] ?? (fs.existsSync('/tmp/bitnet-2b4t.gguf') ? '/tmp/bitnet-2b4t.gguf' : tinyModelPath());
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-count-bench-'));
const script = path.join(dir, 'token-count.js');
buildSync({ entryPoints: [path.resolve(__dirname, '../../src/chat/token-count-worker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'silent' });

const message = 'Explain what this function does and how to make it faster.\n\n```ts\n' + 'const total = items.reduce((sum, item) => sum + item.price * item.count, 0);\n'.repeat(24) + '```';
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const counter = new LocalTokenizer(script);
  const rssBefore = process.memoryUsage().rss;
  counter.setModel(model);
  let t = performance.now();
  const tokens = await counter.count(message);
  const cold = performance.now() - t;
  const rssAfter = process.memoryUsage().rss;

  const rounds: number[] = [];
  for (let i = 0; i < 50; i++) {
    t = performance.now();
    await counter.count(`${message} ${i}`);
    rounds.push(performance.now() - t);
  }
  rounds.sort((a, b) => a - b);
  // Once the garbage of reading the file has been collected.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const rssSettled = process.memoryUsage().rss;
  counter.dispose();
  fs.rmSync(dir, { recursive: true, force: true });

  console.log(`model: ${model} (${mib(fs.statSync(model).size)})`);
  console.log(`cold start to first count: ${cold.toFixed(0)} ms (context length ${counter.contextLength})`);
  console.log(`warm count of a ${message.length}-character message (${tokens} tokens): median ${rounds[25].toFixed(2)} ms, max ${rounds[49].toFixed(2)} ms over 50`);
  console.log(`resident memory: ${mib(rssBefore)} before, ${mib(rssAfter)} at the first count (+${mib(rssAfter - rssBefore)}), ${mib(rssSettled)} 5 s later (+${mib(rssSettled - rssBefore)})`);
}

void main();
