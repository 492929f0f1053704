// Which model file to use: the `bitnet.modelPath` setting when set (with `~`
// and `${workspaceFolder}` expanded), else the copy downloaded into the
// extension's global storage.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MODEL_FILE } from './model-source';

export interface PathContext {
  /** The user's home folder (for `~`). */
  home?: string;
  /** The first workspace folder, if one is open (for `${workspaceFolder}`). */
  workspaceFolder?: string;
}

export type ModelLocation =
  | { kind: 'setting'; path: string }
  | { kind: 'downloaded'; path: string }
  | { kind: 'none' }
  | { kind: 'invalid'; message: string };

/** Where a download lands inside the extension's global storage folder. */
export function downloadedModelPath(globalStorage: string): string {
  return path.join(globalStorage, 'models', MODEL_FILE);
}

/**
 * Expands `~`, `${userHome}` and `${workspaceFolder}` in a path from settings.
 * A relative result is taken relative to the workspace folder (like VS Code's
 * own path settings), and fails without one.
 */
export function expandModelPath(raw: string, ctx: PathContext = {}): string {
  const home = ctx.home ?? os.homedir();
  let p = raw.trim();
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = home + p.slice(1);
  p = p.replace(/\$\{userHome\}/g, home);
  if (p.includes('${workspaceFolder}')) {
    if (!ctx.workspaceFolder) throw new Error(`"bitnet.modelPath" uses \${workspaceFolder}, but no folder is open.`);
    p = p.replace(/\$\{workspaceFolder\}/g, ctx.workspaceFolder);
  }
  if (!path.isAbsolute(p)) {
    if (!ctx.workspaceFolder) throw new Error(`"bitnet.modelPath" is a relative path (${raw}) and no folder is open. Use an absolute path.`);
    p = path.join(ctx.workspaceFolder, p);
  }
  return path.normalize(p);
}

/** The setting wins when set; otherwise the downloaded copy, if it is there. */
export function locateModel(setting: string, globalStorage: string, ctx: PathContext = {}): ModelLocation {
  if (setting.trim() !== '') {
    try {
      return { kind: 'setting', path: expandModelPath(setting, ctx) };
    } catch (err) {
      return { kind: 'invalid', message: (err as Error).message };
    }
  }
  const downloaded = downloadedModelPath(globalStorage);
  return fs.existsSync(downloaded) ? { kind: 'downloaded', path: downloaded } : { kind: 'none' };
}
