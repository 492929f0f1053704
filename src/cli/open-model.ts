// Loads a model file into the native engine for the CLI commands.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BitnetAddon, NativeModel } from '../../native';
import { loadAddon } from '../engine/addon-loader';
import { readBitnetModel } from '../engine/bitnet-model';

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

export function openModel(file: string, options: { threads?: number; lmHead?: 'int8' | 'f16' } = {}): OpenModel {
  const addon = loadAddon(packageRoot());
  const info = readBitnetModel(file);
  const model = addon.loadModel({ path: file, hparams: info.hparams, tensors: info.tensors, threads: options.threads ?? 0, lmHead: options.lmHead });
  return { addon, info, model };
}

/** Parses "1,2" into [1, 2]; rejects anything else. */
export function parseIntList(value: string, what: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`${what} must be a comma-separated list of whole numbers, got '${value}'`);
  return list;
}
