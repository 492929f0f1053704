// Tokenizer throughput. Run: node --import tsx test/bench/tokenizer.bench.ts [FILE]
// Prints build time, MB/s encoding a large source file with a cold and a warm
// piece cache, and the time to encode a 16 KB editor prefix, all in CPU time
// (process.cpuUsage). Figures only.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import llama3Reference from 'llama3-tokenizer-js';
import { vocabFromTiktoken } from '../../src/tokenizer/llama3-vocab';
import { readTokenizerData } from '../../src/tokenizer/tokenizer-data';
import { Tokenizer } from '../../src/tokenizer/tokenizer';

const root = path.resolve(__dirname, '../..');
const file = process.argv[2] ?? path.join(root, 'node_modules/typescript/lib/typescript.js');
const text = readFileSync(file, 'utf8');
const mb = Buffer.byteLength(text) / 1e6;

// CPU time of this thread, not wall time: the machine may be shared, and a
// busy neighbour should not show up as a slow tokenizer.
function time<T>(f: () => T): [T, number] {
  const start = process.cpuUsage();
  const result = f();
  const used = process.cpuUsage(start);
  return [result, (used.user + used.system) / 1000];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const data = readTokenizerData();
const [vocab, vocabMs] = time(() => vocabFromTiktoken(data));
const [tok, buildMs] = time(() => Tokenizer.fromVocab(vocab));
console.log(`vocabulary from the ranks file: ${vocabMs.toFixed(0)} ms; tokenizer build: ${buildMs.toFixed(0)} ms`);

const [ids, coldMs] = time(() => tok.encode(text));
const warm = Array.from({ length: 3 }, () => time(() => tok.encode(text))[1]);
console.log(`${path.relative(root, file)}: ${mb.toFixed(2)} MB → ${ids.length} tokens (${(Buffer.byteLength(text) / ids.length).toFixed(2)} bytes/token)`);
console.log(`  cold cache: ${coldMs.toFixed(0)} ms = ${(mb / (coldMs / 1000)).toFixed(2)} MB/s`);
console.log(`  warm cache: ${median(warm).toFixed(0)} ms = ${(mb / (median(warm) / 1000)).toFixed(2)} MB/s`);

const prefix = text.slice(0, 16384);
const coldPrefix = Array.from({ length: 9 }, () => {
  tok.clearCache();
  return time(() => tok.encode(prefix))[1];
});
const warmPrefix = Array.from({ length: 9 }, () => time(() => tok.encode(prefix))[1]);
console.log(`16 KB prefix (${tok.encode(prefix).length} tokens): cold ${median(coldPrefix).toFixed(2)} ms, warm ${median(warmPrefix).toFixed(2)} ms (median of 9)`);

const sample = text.slice(0, 1 << 20);
const [, refMs] = time(() => llama3Reference.encode(sample, { bos: false, eos: false }));
tok.clearCache();
const [, oursMs] = time(() => tok.encode(sample));
console.log(`first 1 MiB, cold: ours ${oursMs.toFixed(0)} ms, llama3-tokenizer-js ${refMs.toFixed(0)} ms`);
