// Loads a model file into the native engine for the CLI commands, and reads
// the --threads option they share.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BitnetAddon, KvCache, LmHead, NativeModel } from '../../native';
import { loadAddon } from '../engine/addon/addon-loader';
import { readBitnetModel } from '../model-file/bitnet-model';
import { oneOf, wholeNumber, wholeNumberList, type OptionValues } from './args';
import { THREADS } from './limits';

export interface OpenModel {
  addon: BitnetAddon;
  info: ReturnType<typeof readBitnetModel>;
  model: NativeModel;
}

/** The package root (where prebuilds/ lives), above dist/cli.js or src/cli/. */
export function packageRoot(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`no package.json above ${__dirname}`);
}

/** The output layers --lm-head chooses from (native/index.d.ts, LmHead). */
export const LM_HEADS = ['int8', 'f16', 'q4'] as const satisfies readonly LmHead[];
export const LM_HEAD_HELP = 'the output layer: int8, exact f16, or q4 (a 4-bit screen whose top 64 rows are rescored in F16)';

export function openModel(file: string, options: { threads?: number; lmHead?: LmHead; kvCache?: KvCache } = {}): OpenModel {
  const addon = loadAddon(packageRoot());
  const info = readBitnetModel(file);
  const model = addon.loadModel({ path: file, hparams: info.hparams, tensors: info.tensors, threads: options.threads ?? 0, lmHead: options.lmHead, kvCache: options.kvCache });
  return { addon, info, model };
}

/** The KV cache storages --kv-cache chooses from (native/index.d.ts, KvCache). */
export const KV_CACHES = ['f16', 'i8'] as const satisfies readonly KvCache[];
export const KV_CACHE_HELP = 'the KV cache: exact F16, or i8 (8-bit, half the memory)';

/** --threads: one thread count within the bitnet.threads setting's range (0: one per core). */
export function threadCount(values: OptionValues): number {
  const n = wholeNumber(values, 'threads', THREADS.min, THREADS.max);
  warnAboveCores([n]);
  return n;
}

/** --threads as a list of thread counts ("1,2"), each within the setting's range. */
export function threadCountList(values: OptionValues): number[] {
  const list = wholeNumberList(values, 'threads', THREADS.min, THREADS.max);
  warnAboveCores(list);
  return list;
}

/** More threads than CPU cores is allowed but slower (they take turns on the cores): say so on stderr. */
function warnAboveCores(counts: number[]): void {
  const cores = os.availableParallelism();
  const over = counts.filter((n) => n > cores);
  if (over.length === 0) return;
  console.error(`bitnet: warning: --threads ${over.join(',')} is more than the ${cores} CPUs this machine has; the extra threads take turns on them and generation gets slower`);
}
