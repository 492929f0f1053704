// Whether a folder's pinned npm dependencies are installed, and the command
// that installs them. `npm test` and `npm start` check the repository's own
// and test/e2e's (code-server, playwright-core, @vscode/test-electron) and run
// `npm ci` where something is missing, so either works first on a fresh clone.
// Imports nothing from node_modules: it runs before they exist.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
export const e2eRoot = join(repoRoot, 'test', 'e2e');

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[\w.]+)?$/;

/** The dependencies of `dir`'s package.json that are missing, or at another version than the one pinned. */
export function missingDependencies(dir) {
  const manifest = readJson(join(dir, 'package.json'));
  const wanted = { ...manifest.dependencies, ...manifest.devDependencies };
  return Object.entries(wanted)
    .filter(([name, version]) => {
      const installed = join(dir, 'node_modules', name, 'package.json');
      return !existsSync(installed) || (EXACT_VERSION.test(version) && readJson(installed).version !== version);
    })
    .map(([name]) => name);
}

/** test/e2e's missing dependencies, counting code-server's offline setup (test/e2e/scripts/setup-code-server.mjs). */
export function missingE2eDependencies() {
  const missing = missingDependencies(e2eRoot);
  const version = readJson(join(e2eRoot, 'package.json')).dependencies['code-server'];
  const marker = join(e2eRoot, 'node_modules', 'code-server', '.offline-setup-done');
  if (!missing.includes('code-server') && !(existsSync(marker) && readFileSync(marker, 'utf8') === version)) {
    missing.push('code-server (offline setup)');
  }
  return missing;
}

/** `npm ci` in `dir`, as { command, args, cwd } for a runner. */
export function npmCi(dir) {
  return { command: 'npm', args: ['ci', '--no-audit', '--no-fund'], cwd: dir };
}
