// Whether this folder's own dependencies (code-server, playwright-core,
// @vscode/test-electron; see package.json) are installed, and installing
// them. `npm test` and `npm start` both call this, so either works first on
// a fresh clone. It imports nothing from node_modules: it runs before they exist.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const e2eRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** The pinned dependencies that are missing or at another version (names). */
export function missingE2eDependencies() {
  const { dependencies } = readJson(join(e2eRoot, 'package.json'));
  const missing = Object.entries(dependencies).filter(([name, version]) => {
    const manifest = join(e2eRoot, 'node_modules', name, 'package.json');
    return !existsSync(manifest) || readJson(manifest).version !== version;
  }).map(([name]) => name);
  // code-server's offline setup (scripts/setup-code-server.mjs) leaves a marker when done.
  const marker = join(e2eRoot, 'node_modules', 'code-server', '.offline-setup-done');
  if (!missing.includes('code-server') && (!existsSync(marker) || readFileSync(marker, 'utf8') !== dependencies['code-server'])) {
    missing.push('code-server (offline setup)');
  }
  return missing;
}

/** How to install them: `npm ci` in test/e2e (about 110 MB to download, once). */
export const installE2eDependencies = { command: 'npm', args: ['ci', '--no-audit', '--no-fund'], cwd: e2eRoot };
