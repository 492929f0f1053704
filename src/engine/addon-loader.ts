// Finds and loads the native addon: the prebuilt binary for this platform
// first, a local `node-gyp` build second. The engine worker, the short-lived
// probe process, the CLI and `bitnet serve` call this; the extension host's
// main thread never does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import nodeGypBuild from 'node-gyp-build';
import type { BitnetAddon } from '../../native';

export class AddonLoadError extends Error {
  override readonly name = 'AddonLoadError';
}

export function platformTag(): string {
  return `${process.platform}-${process.arch}`;
}

/** The .node files to try, best first. */
export function addonCandidates(root: string): string[] {
  return [...prebuiltAddons(root), ...localBuild(root)];
}

export function loadAddon(root: string): BitnetAddon {
  const failures: string[] = [];
  for (const file of addonCandidates(root)) {
    try {
      // A computed require: esbuild leaves it to Node at run time.
      const addon = require(file) as BitnetAddon;
      addon.version();
      return addon;
    } catch (err) {
      failures.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const why = failures.length ? ` Tried:\n${failures.join('\n')}` : ` Nothing was found under ${root}.`;
  throw new AddonLoadError(
    `BitNet's native engine could not be loaded on ${platformTag()} ` +
      `(Node ${process.versions.node}). Reinstall the extension for this platform.${why}`,
  );
}

function prebuiltAddons(root: string): string[] {
  const dir = path.join(root, 'prebuilds', platformTag());
  if (!fs.existsSync(dir)) return [];
  const runtime = process.versions.electron ? 'electron' : 'node';
  return fs
    .readdirSync(dir)
    .map(nodeGypBuild.parseTags)
    .filter(nodeGypBuild.matchTags(runtime, process.versions.modules))
    .sort(nodeGypBuild.compareTags(runtime))
    .map((tags) => path.join(dir, tags.file));
}

function localBuild(root: string): string[] {
  try {
    return [nodeGypBuild.resolve(root)];
  } catch {
    return [];
  }
}
