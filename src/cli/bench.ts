// `bitnet bench --model FILE [--threads 1,2] [--lm-head int8|f16|q4] [--kv-cache f16|i8] [--decode-at N] [--json]`:
// load time, peak memory, decode and prompt-processing speed per thread
// count, and decode measured against the memory-bandwidth floor; with
// --decode-at, decode once N positions fill the KV cache too. Each thread
// count runs in its own process so that peak RSS belongs to it alone.
import { execFileSync } from 'node:child_process';
import type { KvCache, LmHead, NativeContext } from '../../native';
import { oneOf, wholeNumber, type Command } from './args';
import { readBandwidth } from './bandwidth';
import { DEFAULT_MODEL_CONFIG } from '../engine/protocol';
import { KV_CACHES, KV_CACHE_HELP, LM_HEADS, LM_HEAD_HELP, openModel, threadCountList } from './open-model';

export interface BenchResult {
  threads: number;
  kernels: string;
  lm_head: string;
  kv_cache: string;
  load_ms: number;
  peak_rss_bytes: number;
  decode_tok_s: number;
  /** Decode after decode_at positions of context (--decode-at), if asked. */
  decode_at?: number;
  decode_at_tok_s?: number;
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
      // By default, what the extension runs.
      'lm-head': { type: 'string', value: LM_HEADS.join('|'), help: LM_HEAD_HELP, default: DEFAULT_MODEL_CONFIG.lmHead },
      'kv-cache': { type: 'string', value: KV_CACHES.join('|'), help: KV_CACHE_HELP, default: DEFAULT_MODEL_CONFIG.kvCache },
      'decode-at': { type: 'string', value: 'N', help: 'also measure decode with N positions in the KV cache (0: not)', default: '0' },
      json: { type: 'boolean', help: 'print one JSON object per thread count' },
      // Internal: one measurement in this process (the parent runs one child per thread count).
      one: { type: 'boolean', help: 'measure one thread count in this process', hidden: true },
    },
  },
  async run({ values }) {
    const model = String(values.model);
    const head = oneOf(values, 'lm-head', LM_HEADS);
    const kvCache = oneOf(values, 'kv-cache', KV_CACHES);
    const decodeAt = wholeNumber(values, 'decode-at', 0);
    if (values.one) {
      console.log(JSON.stringify(await measure(model, Number(values.threads), head, kvCache, decodeAt)));
      return 0;
    }
    for (const threads of threadCountList(values)) {
      const args = ['bench', '--one', '--model', model, '--threads', String(threads), '--lm-head', head, '--kv-cache', kvCache, '--decode-at', String(decodeAt)];
      const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1], ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      const result = JSON.parse(out.trim().split('\n').pop()!) as BenchResult;
      console.log(values.json ? JSON.stringify(result) : describe(result));
    }
    return 0;
  },
};

async function measure(file: string, threads: number, lmHead: LmHead, kvCache: KvCache, decodeAt: number): Promise<BenchResult> {
  const { model, info } = openModel(file, { threads, lmHead, kvCache });
  if (decodeAt + DECODE_RUNS * DECODE_STEPS > info.hparams.contextLength) {
    model.free();
    throw new Error(`--decode-at ${decodeAt} leaves no room for ${DECODE_RUNS * DECODE_STEPS} decode steps in the model's context of ${info.hparams.contextLength}`);
  }
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
  const decodeMs = timeDecode(ctx, vocab);
  ctx.free();
  let decodeAtMs: number | undefined;
  if (decodeAt > 0) {
    const long = model.createContext(decodeAt + DECODE_RUNS * DECODE_STEPS);
    long.eval(random(decodeAt));
    decodeAtMs = timeDecode(long, vocab);
    long.free();
  }
  const stats = model.stats;
  model.free();
  const bandwidth = await readBandwidth(threads);
  const floorMs = (stats.bytesPerToken / bandwidth) * 1000;
  return {
    threads: stats.threads,
    kernels: stats.kernels,
    lm_head: stats.lmHead,
    kv_cache: stats.kvCache,
    load_ms: Math.round(stats.loadMs),
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    decode_tok_s: round(1000 / decodeMs),
    ...(decodeAtMs === undefined ? {} : { decode_at: decodeAt, decode_at_tok_s: round(1000 / decodeAtMs) }),
    pp128_tok_s: round((128 * 1000) / pp128),
    pp512_tok_s: round((512 * 1000) / pp512),
    bytes_per_token: stats.bytesPerToken,
    read_bandwidth_bytes_s: Math.round(bandwidth),
    decode_floor_fraction: round(floorMs / decodeMs, 3),
  };
}

const DECODE_RUNS = 3;
const DECODE_STEPS = 32;

/** Median ms per token over DECODE_RUNS runs of DECODE_STEPS decode steps. */
function timeDecode(ctx: NativeContext, vocab: number): number {
  return median(Array.from({ length: DECODE_RUNS }, () => {
    const t0 = performance.now();
    for (let i = 0; i < DECODE_STEPS; i++) ctx.eval([(i * 31 + 5) % vocab]);
    return (performance.now() - t0) / DECODE_STEPS;
  }));
}

function describe(r: BenchResult): string {
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const floorMs = (r.bytes_per_token / r.read_bandwidth_bytes_s) * 1000;
  return [
    `threads ${r.threads} (${r.kernels} kernels, ${r.lm_head} LM head, ${r.kv_cache} KV cache)`,
    `  load ${r.load_ms} ms, peak RSS ${mb(r.peak_rss_bytes)} MB`,
    `  decode ${r.decode_tok_s} tok/s (${(1000 / r.decode_tok_s).toFixed(1)} ms/token)`,
    ...(r.decode_at_tok_s === undefined ? [] : [`  decode at ${r.decode_at} positions ${r.decode_at_tok_s} tok/s (${(1000 / r.decode_at_tok_s).toFixed(1)} ms/token)`]),
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
