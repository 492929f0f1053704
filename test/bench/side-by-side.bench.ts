// Our engine against bitnet.cpp's llama-bench on the same model file, in
// alternating rounds: the machine is shared, so only ratios measured within
// one round mean anything. Prints every round's figures, then the median
// ratio for each speed target of the native engine. Never fails on speed.
//
//   npm run build
//   node --import tsx test/bench/side-by-side.bench.ts --peer PATH/llama-bench [--model FILE] [--rounds 3]
//
// The peer binary is one you built yourself; this repository neither ships
// nor builds it. The model defaults to /tmp/bitnet-2b4t.gguf
// (`npm run make-model -- --shape 2b4t --out /tmp/bitnet-2b4t.gguf`).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchResult } from '../../src/cli/bench';

type Test = 'decode' | 'pp128' | 'pp512';
type Figures = Map<string, number>; // `${test}@${threads}` -> tok/s

const TESTS: Test[] = ['decode', 'pp128', 'pp512'];
const THREADS = [1, 2];
// The targets: our tok/s over theirs.
const TARGETS: Record<string, number> = { 'decode@1': 2, 'decode@2': 1.5, 'pp512@1': 2, 'pp512@2': 2 };

const root = path.resolve(__dirname, '../..');
const key = (test: Test, threads: number) => `${test}@${threads}`;

function ours(model: string): Figures {
  const out = execFileSync(process.execPath, [path.join(root, 'dist/cli.js'), 'bench', '--model', model, '--threads', THREADS.join(','), '--json'], { encoding: 'utf8' });
  const figures: Figures = new Map();
  for (const line of out.trim().split('\n')) {
    const r = JSON.parse(line) as BenchResult;
    figures.set(key('decode', r.threads), r.decode_tok_s);
    figures.set(key('pp128', r.threads), r.pp128_tok_s);
    figures.set(key('pp512', r.threads), r.pp512_tok_s);
  }
  return figures;
}

interface LlamaBenchRow {
  n_threads: number;
  n_prompt: number;
  n_gen: number;
  avg_ts: number;
}

function theirs(peer: string, model: string): Figures {
  // bitnet.cpp keeps large prompt buffers on the stack: pp512 needs more than the default 8 MiB.
  const args = ['-m', model, '-p', '128,512', '-n', '128', '-t', THREADS.join(','), '-r', '3', '-o', 'json'];
  const out = execFileSync('bash', ['-c', 'ulimit -s 65536 && exec "$0" "$@"', peer, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 24 });
  const figures: Figures = new Map();
  for (const row of JSON.parse(out) as LlamaBenchRow[]) {
    const test: Test = row.n_gen > 0 ? 'decode' : row.n_prompt === 128 ? 'pp128' : 'pp512';
    figures.set(key(test, row.n_threads), row.avg_ts);
  }
  return figures;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function load(): string {
  return execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ')[0];
}

function main(): void {
  const { values } = parseArgs({
    options: {
      peer: { type: 'string' },
      model: { type: 'string', default: '/tmp/bitnet-2b4t.gguf' },
      rounds: { type: 'string', default: '3' },
    },
  });
  if (!values.peer) throw new Error('usage: side-by-side.bench.ts --peer PATH/llama-bench [--model FILE] [--rounds 3]');
  const ratios = new Map<string, number[]>();
  for (let round = 1; round <= Number(values.rounds); round++) {
    // Alternate who goes first, so neither always meets a warmer or busier machine.
    const order = round % 2 ? ['ours', 'theirs'] : ['theirs', 'ours'];
    const figures: Record<string, Figures> = {};
    for (const who of order) {
      const before = load();
      figures[who] = who === 'ours' ? ours(values.model) : theirs(values.peer, values.model);
      console.log(`round ${round} ${who} (load average ${before} before)`);
    }
    for (const threads of THREADS) {
      for (const test of TESTS) {
        const k = key(test, threads);
        const a = figures.ours.get(k), b = figures.theirs.get(k);
        if (a === undefined || b === undefined) continue;
        ratios.set(k, [...(ratios.get(k) ?? []), a / b]);
        console.log(`  ${k.padEnd(9)} ours ${a.toFixed(1).padStart(6)}  bitnet.cpp ${b.toFixed(1).padStart(6)} tok/s  ${(a / b).toFixed(2)}x`);
      }
    }
  }
  console.log('median ratio over rounds (target):');
  for (const [k, rs] of ratios) {
    const target = TARGETS[k];
    const m = median(rs);
    const verdict = target === undefined ? '' : m >= target ? `(>= ${target}x: met)` : `(< ${target}x: missed)`;
    console.log(`  ${k.padEnd(9)} ${m.toFixed(2)}x  ${verdict}`);
  }
}

main();
