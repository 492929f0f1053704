// `bitnet bench --model FILE [--threads 1,2] [--lm-head int8|f16|q4] [--json]`:
// load time, peak memory, decode and prompt-processing speed per thread
// count, and decode measured against the memory-bandwidth floor. Each thread
// count runs in its own process so that peak RSS belongs to it alone.
import { execFileSync } from 'node:child_process';
import { oneOf, type Command } from './args';
import { readBandwidth } from './bandwidth';
import type { LmHead } from '../../native';
import { LM_HEADS, LM_HEAD_HELP, openModel, threadCountList } from './open-model';

export interface BenchResult {
  threads: number;
  kernels: string;
  lm_head: string;
  load_ms: number;
  peak_rss_bytes: number;
  decode_tok_s: number;
  pp128_tok_s: number;
  pp512_tok_s: number;
  bytes_per_token: number;
  read_bandwidth_bytes_s: number;
  decode_floor_fraction: number;
}

export const bench: Command = {
  spec: {
    name: 'bench',
    description: 'Measures, for each thread count, load time, peak memory, decode and prompt-processing speed, and decode against the memory-bandwidth floor. Each thread count runs in a process of its own.',
    options: {
      model: { type: 'string', value: 'FILE', help: 'the GGUF model', required: true },
      threads: { type: 'string', value: 'N,N,…', help: 'thread counts to measure', default: '1,2' },
      'lm-head': { type: 'string', value: LM_HEADS.join('|'), help: LM_HEAD_HELP, default: 'int8' },
      json: { type: 'boolean', help: 'print one JSON object per thread count' },
      // Internal: one measurement in this process (the parent runs one child per thread count).
      one: { type: 'boolean', help: 'measure one thread count in this process', hidden: true },
    },
  },
  async run({ values }) {
    const model = String(values.model);
    const head = oneOf(values, 'lm-head', LM_HEADS);
    if (values.one) {
      console.log(JSON.stringify(await measure(model, Number(values.threads), head)));
      return 0;
    }
    for (const threads of threadCountList(values)) {
      const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1], 'bench', '--one', '--model', model, '--threads', String(threads), '--lm-head', head], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      const result = JSON.parse(out.trim().split('\n').pop()!) as BenchResult;
      console.log(values.json ? JSON.stringify(result) : describe(result));
    }
    return 0;
  },
};

async function measure(file: string, threads: number, lmHead: LmHead): Promise<BenchResult> {
  const { model, info } = openModel(file, { threads, lmHead });
  const vocab = info.hparams.vocabSize;
  const random = (n: number) => Int32Array.from({ length: n }, (_, i) => (i * 7919 + 13) % vocab);
  const ctx = model.createContext(640);
  const timePrefill = (n: number, reps: number) =>
    median(Array.from({ length: reps }, () => {
      ctx.trim(0);
      const t0 = performance.now();
      ctx.eval(random(n));
      return performance.now() - t0;
    }));
  const pp128 = timePrefill(128, 3);
  const pp512 = timePrefill(512, 2);
  ctx.trim(0);
  ctx.eval(random(16));
  const decodeMs = median(Array.from({ length: 3 }, () => {
    const t0 = performance.now();
    for (let i = 0; i < 32; i++) ctx.eval([(i * 31 + 5) % vocab]);
    return (performance.now() - t0) / 32;
  }));
  const stats = model.stats;
  ctx.free();
  model.free();
  const bandwidth = await readBandwidth(threads);
  const floorMs = (stats.bytesPerToken / bandwidth) * 1000;
  return {
    threads: stats.threads,
    kernels: stats.kernels,
    lm_head: stats.lmHead,
    load_ms: Math.round(stats.loadMs),
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    decode_tok_s: round(1000 / decodeMs),
    pp128_tok_s: round((128 * 1000) / pp128),
    pp512_tok_s: round((512 * 1000) / pp512),
    bytes_per_token: stats.bytesPerToken,
    read_bandwidth_bytes_s: Math.round(bandwidth),
    decode_floor_fraction: round(floorMs / decodeMs, 3),
  };
}

function describe(r: BenchResult): string {
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const floorMs = (r.bytes_per_token / r.read_bandwidth_bytes_s) * 1000;
  return [
    `threads ${r.threads} (${r.kernels} kernels, ${r.lm_head} LM head)`,
    `  load ${r.load_ms} ms, peak RSS ${mb(r.peak_rss_bytes)} MB`,
    `  decode ${r.decode_tok_s} tok/s (${(1000 / r.decode_tok_s).toFixed(1)} ms/token)`,
    `  prompt pp128 ${r.pp128_tok_s} tok/s, pp512 ${r.pp512_tok_s} tok/s`,
    `  reads ${mb(r.bytes_per_token)} MB/token at ${(r.read_bandwidth_bytes_s / 1e9).toFixed(1)} GB/s measured: floor ${floorMs.toFixed(1)} ms/token, decode runs at ${(r.decode_floor_fraction * 100).toFixed(0)}% of it`,
  ].join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function round(x: number, digits = 1): number {
  return Number(x.toFixed(digits));
}
