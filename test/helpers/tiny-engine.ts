// The real native engine over the tiny test model, loaded in the test process
// (the way the worker loads it), for tests below the worker.
import * as path from 'node:path';
import type { BitnetAddon, NativeModel } from '../../native';
import { loadAddon } from '../../src/engine/addon/addon-loader';
import { DEFAULT_MODEL_CONFIG } from '../../src/engine/protocol';
import { readBitnetModel } from '../../src/model-file/bitnet-model';
import { Tokenizer } from '../../src/tokenizer/tokenizer';
import { tinyModelPath } from './model-files';

export const extensionRoot = path.resolve(__dirname, '../..');

export interface TinyEngine {
  addon: BitnetAddon;
  model: NativeModel;
  tokenizer: Tokenizer;
  path: string;
}

let loaded: TinyEngine | undefined;

/** One tiny model per test process, with the worker's numbers and one compute thread so runs are repeatable. */
export function tinyEngine(): TinyEngine {
  if (loaded) return loaded;
  const file = tinyModelPath();
  const info = readBitnetModel(file);
  const addon = loadAddon(extensionRoot);
  const { kvCache, lmHead } = DEFAULT_MODEL_CONFIG;
  const model = addon.loadModel({ path: file, hparams: info.hparams, tensors: info.tensors, threads: 1, kvCache, lmHead });
  loaded = { addon, model, tokenizer: Tokenizer.fromVocab(info.vocab), path: file };
  return loaded;
}

/** Some ordinary source text, `lines` lines long (about 12 tokens a line). */
export function sourceText(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`  const value${i} = compute(${i}, "item ${i % 7}") + offset;`);
  return out.join('\n');
}
